"""No secret in Rasa's logs. Rasa's HTTP API reads its token from the query string
(``?token=``; its other way in is a JWT in the Authorization header, which the handoff
service uses when RASA_JWT_SECRET is set), and sanic logs the full URL of any request
that fails. Every log record is rewritten before any handler sees it: the value of a
``token``, ``access_token``, ``auth_token`` or ``jwt`` parameter becomes ``[removed]``."""
from __future__ import annotations

import logging
import re
from typing import Any

SECRET_PARAMETER = re.compile(r"(?i)([?&](?:token|access_token|auth_token|jwt)=)[^&\s'\"<>]{1,4096}")


def scrub(text: str) -> str:
    return SECRET_PARAMETER.sub(r"\1[removed]", text)


def install() -> bool:
    """Wrap the log record factory (every logger, every library). Idempotent; True if installed now."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "scrubs_secrets", False):
        return False

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record stays as it is; logging reports it itself
            return record
        if "=" in message:
            cleaned = scrub(message)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return record

    factory.scrubs_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    return True
