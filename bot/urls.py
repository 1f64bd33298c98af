"""Where the processes find each other, from ``HOST`` and the ports.

``endpoints.yml`` names the action server and the handoff service as ``${ACTIONS_URL}``
and ``${HANDOFF_URL}``; Rasa expands them when it reads the file and refuses to start
when one is unset. ``make run`` exports both; ``python -m bot`` and ``python -m handoff``
fill in the same defaults here, so the file also works without the Makefile. A value
already in the environment wins.
"""
from __future__ import annotations

from typing import Dict, Mapping, MutableMapping

WILDCARDS = ("", "0.0.0.0", "::", "[::]")


def reachable(host: str) -> str:
    """The address a client on this machine uses for a server listening on ``host``."""
    return "127.0.0.1" if host in WILDCARDS else host


def default_urls(env: Mapping[str, str]) -> Dict[str, str]:
    host = reachable(env.get("HOST", "127.0.0.1").strip())
    return {
        # The action server is Rasa's neighbour: always reached on the loopback interface.
        "ACTIONS_URL": f"http://127.0.0.1:{env.get('ACTIONS_PORT', '5055')}",
        "HANDOFF_URL": f"http://{host}:{env.get('HANDOFF_PORT', '5006')}",
    }


def apply_defaults(env: MutableMapping[str, str]) -> None:
    for key, value in default_urls(env).items():
        if not env.get(key, "").strip():
            env[key] = value
