"""Errors of the quality review (in handoff.errors' tree: the service answers them by status).

RequestError
└── StillWithAPerson    a review asked for while a person has the conversation (409)
Rubric and domain files raise handoff.errors.ConfigError, naming the file and the key.
"""
from __future__ import annotations

from handoff.errors import RequestError


class StillWithAPerson(RequestError):
    status = 409

    def __init__(self, conversation_id: str) -> None:
        self.conversation_id = conversation_id
        super().__init__(f"a person still has conversation '{conversation_id}'; it is reviewed when the session "
                         "closes")
