"""``python -m bot ARGS``: Rasa's own command line, with bot.compat applied first.

Use it wherever you would type ``rasa``: ``python -m bot run --enable-api``.
"""
from __future__ import annotations

import os
import sys


# The HTTP layer's own limits, before any channel or NLP sees a request: a body over
# 2 MB is refused with 413, and every error sanic answers itself is JSON. A value
# already in the environment wins.
SANIC_DEFAULTS = {"SANIC_REQUEST_MAX_SIZE": "2000000", "SANIC_FALLBACK_ERROR_FORMAT": "json"}
# Serving, NumPy's BLAS runs one thread: the products of one message are small, and its
# idle workers spin on the cores the other requests need (a fifth more CPU per message
# here). A value already in the environment wins; training keeps every core.
SERVING_DEFAULTS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def main() -> None:
    if sys.argv[1:2] == ["run"]:  # before anything imports NumPy
        for key, value in SERVING_DEFAULTS.items():
            os.environ.setdefault(key, value)
    from bot import compat, log_scrub, urls

    log_scrub.install()  # Rasa's token travels in query strings: never into the log
    from handoff.privacy import logs

    logs.install()  # nor does a customer's personal data
    for key, value in SANIC_DEFAULTS.items():
        os.environ.setdefault(key, value)
    urls.apply_defaults(os.environ)  # ${ACTIONS_URL} and ${HANDOFF_URL} in endpoints.yml
    compat.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
