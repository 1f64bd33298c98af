"""The Rasa side's view of the desk: which skills have the bot off and how busy the
desk is, polled from the handoff service (``GET /api/desk-state``) by a daemon thread
every few seconds, so the handoff policy reads it without waiting on the network.
When the service cannot be reached, the last state read stays (a switched-off bot stays
off); before the first read there is none."""
from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional

from handoff.control.load_rules import DeskLoad

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeskState:
    off: Dict[str, str] = field(default_factory=dict)   # skill or "*" -> why the bot is off
    load: Optional[DeskLoad] = None


class StatePoller:
    def __init__(self, url: str, token: str, every: float = 5.0, timeout: float = 3.0) -> None:
        self.url, self.token, self.every, self.timeout = url.rstrip("/"), token, every, timeout
        self._state: Optional[DeskState] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._failing = False

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="desk-state", daemon=True)
            self._thread.start()

    def current(self) -> Optional[DeskState]:
        """The latest state read (polling starts if it has not)."""
        self.start()
        return self._state

    def read_once(self) -> Optional[DeskState]:
        request = urllib.request.Request(f"{self.url}/api/desk-state",
                                         headers={"Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310 (our service's URL)
                body = json.loads(reply.read())
        except (OSError, ValueError) as exc:
            if not self._failing:
                logger.warning("the desk's state could not be read from %s (%r); keeping the last one", self.url, exc)
            self._failing = True
            return self._state
        self._failing = False
        off = body.get("off") if isinstance(body.get("off"), dict) else {}
        load = DeskLoad.from_dict(body["load"]) if isinstance(body.get("load"), dict) else None
        self._state = DeskState({str(k): str(v) for k, v in off.items()}, load)
        return self._state

    def _run(self) -> None:
        while not self._stop.is_set():
            self.read_once()
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()


def poller_from_env(env: Optional[Mapping[str, str]] = None) -> Optional[StatePoller]:
    """HANDOFF_URL, HANDOFF_SERVICE_TOKEN and HANDOFF_STATE_REFRESH (seconds, default 5); None without a URL."""
    env = os.environ if env is None else env
    url = env.get("HANDOFF_URL", "").strip()
    if not url:
        return None
    return StatePoller(url, env.get("HANDOFF_SERVICE_TOKEN", ""), float(env.get("HANDOFF_STATE_REFRESH", "5")))
