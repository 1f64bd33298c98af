"""Errors of corrections (in handoff.errors' tree: the service answers them by status).

RequestError
├── NotFound
│   ├── CorrectionNotFound    no correction with that id (404)
│   └── UnknownExpected       the intent or FAQ it names is not in the domain (404)
├── CorrectionConflict        decided already, or a turn the conversation does not have (409)
└── BadCorrection             a wrong answer without what it should have been (400)
"""
from __future__ import annotations

from handoff.errors import NotFound, RequestError


class CorrectionNotFound(NotFound):
    def __init__(self, correction_id: str) -> None:
        self.correction_id = correction_id
        super().__init__(f"no correction '{correction_id}': list them with GET /api/corrections")


class CorrectionConflict(RequestError):
    status = 409


class BadCorrection(RequestError):
    status = 400


class UnknownExpected(NotFound):
    """The intent or FAQ a correction names is not in the bot's domain."""
