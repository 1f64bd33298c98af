"""What the handoff service stores about a session and a message, as the rest of the
service sees them: the states a session goes through, and typed records read from the
database's rows (handoff.service.tables)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Optional

from handoff.db import utc as _utc

QUEUED, ASSIGNED, ACTIVE = "queued", "assigned", "active"
SENDING, DELIVERED, FAILED = "sending", "delivered", "failed"
RESOLVED, RETURNED, ABANDONED = "resolved", "returned", "abandoned"
OPEN = (QUEUED, ASSIGNED, ACTIVE)
CLOSED = (RESOLVED, RETURNED, ABANDONED)


@dataclass(frozen=True)
class Session:
    id: str
    conversation_id: str
    status: str
    skill: str
    priority: str
    agent: Optional[str]
    context: Dict[str, Any]
    created_at: datetime
    assigned_at: Optional[datetime]
    closed_at: Optional[datetime]
    escalated: int
    rating: Optional[int]
    external_id: Optional[str] = None
    left_message_at: Optional[datetime] = None

    @property
    def customer_waiting(self) -> bool:
        """Queued with the customer paused in the chat, waiting for a person."""
        return self.status == QUEUED and self.left_message_at is None

    def as_dict(self) -> Dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("created_at", "assigned_at", "closed_at", "left_message_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass(frozen=True)
class Message:
    seq: int
    session_id: str
    sender: str
    author: Optional[str]
    text: str
    at: datetime
    key: Optional[str] = None
    status: Optional[str] = None  # sending | delivered | failed (agents' messages); None: stored is all

    def as_dict(self) -> Dict[str, Any]:
        return {"seq": self.seq, "session_id": self.session_id, "sender": self.sender, "author": self.author,
                "text": self.text, "at": self.at.isoformat(), "id": self.key, "status": self.status}


def session_from(row: Any) -> Session:
    return Session(id=row.id, conversation_id=row.conversation_id, status=row.status, skill=row.skill,
                   priority=row.priority, agent=row.agent, context=json.loads(row.context),
                   created_at=_utc(row.created_at), assigned_at=_utc(row.assigned_at),
                   closed_at=_utc(row.closed_at), escalated=row.escalated, rating=row.rating,
                   external_id=row.external_id, left_message_at=_utc(row.left_message_at))


def message_from(row: Any) -> Message:
    return Message(seq=row.seq, session_id=row.session_id, sender=row.sender, author=row.author, text=row.text,
                   at=_utc(row.at), key=row.msg_key, status=row.status)
