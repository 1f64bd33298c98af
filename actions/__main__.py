"""``python -m actions serve``: the action server (see actions.server). Settings from
the environment: ACTIONS_TOKEN (required), ACTIONS_HOST (default 127.0.0.1),
ACTIONS_PORT (default 5055)."""
from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions", description="The shop assistant's action server")
    parser.add_argument("command", choices=["serve"])
    parser.parse_args(argv)
    from actions.errors import SettingsError
    from actions.server import serve

    from handoff.privacy import logs

    logs.install()  # no customer's personal data in the log
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        serve()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
