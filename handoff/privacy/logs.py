"""No personal data in any process's log: every log record is rewritten before any
handler sees it, its message redacted with the `logs` audience of privacy.yml (every
kind by default, also when privacy.yml cannot be read). Installed by each process's
entry point (Rasa through `python -m bot`, the action server, the handoff service)."""
from __future__ import annotations

import logging
import re
from typing import Any, Optional

from handoff.errors import ConfigError
from handoff.privacy.redactor import Redactor

# A message without 7 digits in reach, an @ or a password word holds nothing to redact.
WORTH_A_LOOK = re.compile(r"(?i)@|\d(?:\D{0,3}\d){6}|pass|pin|pwd|\b[a-z]{2}\d{2}")


def install(redactor: Optional[Redactor] = None) -> bool:
    """Wrap the log record factory (every logger, every library). Idempotent; True if installed now."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_personal_data", False):
        return False
    redactor = redactor or _from_policy()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record stays as it is; logging reports it itself
            return record
        if WORTH_A_LOOK.search(message):
            cleaned = redactor(message)
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return record

    factory.redacts_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    return True


def _from_policy() -> Redactor:
    from handoff.privacy.policy import PrivacyPolicy

    try:
        return PrivacyPolicy.load().audience("logs").redactor
    except ConfigError as exc:
        logging.getLogger(__name__).warning("%s; logs are redacted of every kind of personal data", exc)
        return Redactor()
