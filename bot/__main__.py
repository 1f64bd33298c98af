"""``python -m bot ARGS``: Rasa's own command line, with bot.compat applied first.

Use it wherever you would type ``rasa``: ``python -m bot run --enable-api``.
"""
from __future__ import annotations

import sys


def main() -> None:
    from bot import compat

    compat.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
