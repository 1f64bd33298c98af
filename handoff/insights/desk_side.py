"""The desk's side of the figures, from the session store: how long customers waited for
a person, how long the person took to write first, how long a chat was handled, who
left the queue, and the ratings given after a person. One query for the sessions of a
period, each with its first agent message."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from handoff.service.store import ABANDONED, CLOSED, RESOLVED, RETURNED, messages, sessions
from handoff.db import utc as _utc


@dataclass(frozen=True)
class DeskSession:
    skill: str
    status: str
    created_at: datetime
    assigned_at: Optional[datetime]
    closed_at: Optional[datetime]
    first_reply_at: Optional[datetime]
    rating: Optional[int]
    left_message: bool

    @property
    def handle_seconds(self) -> Optional[float]:
        if self.assigned_at is None or self.closed_at is None or self.status not in (RESOLVED, RETURNED):
            return None
        return (self.closed_at - self.assigned_at).total_seconds()


def read_sessions(engine: Engine, since: Optional[datetime], until: Optional[datetime],
                  skill: Optional[str]) -> List[DeskSession]:
    first = (sa.select(messages.c.session_id, sa.func.min(messages.c.at).label("first_reply_at"))
             .where(messages.c.sender == "agent").group_by(messages.c.session_id).subquery())
    query = (sa.select(sessions.c.skill, sessions.c.status, sessions.c.created_at, sessions.c.assigned_at,
                       sessions.c.closed_at, first.c.first_reply_at, sessions.c.rating, sessions.c.left_message_at)
             .select_from(sessions.outerjoin(first, first.c.session_id == sessions.c.id)))
    if since is not None:
        query = query.where(sessions.c.created_at >= since)
    if until is not None:
        query = query.where(sessions.c.created_at < until)
    if skill:
        query = query.where(sessions.c.skill == skill)
    with engine.connect() as connection:
        return [DeskSession(r.skill, r.status, _utc(r.created_at), _utc(r.assigned_at), _utc(r.closed_at),
                            _utc(r.first_reply_at), r.rating, r.left_message_at is not None)
                for r in connection.execute(query)]


def mean(values: Sequence[float]) -> Optional[float]:
    return round(sum(values) / len(values), 1) if values else None


def quantile(values: Sequence[float], q: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def summary(found: Sequence[DeskSession]) -> Dict[str, Any]:
    waits = [(s.assigned_at - s.created_at).total_seconds() for s in found if s.assigned_at]
    replies = [(s.first_reply_at - s.assigned_at).total_seconds() for s in found
               if s.first_reply_at and s.assigned_at and s.first_reply_at >= s.assigned_at]
    handled = [h for s in found if (h := s.handle_seconds) is not None]
    ratings = [s.rating for s in found if s.rating is not None]
    return {
        "sessions": len(found),
        "taken_by_agent": len(waits),
        "abandoned_in_queue": sum(1 for s in found if s.status == ABANDONED and s.assigned_at is None),
        "resolved": sum(1 for s in found if s.status in (RESOLVED, RETURNED)),
        "closed": sum(1 for s in found if s.status in CLOSED),
        "time_to_agent": {"mean": mean(waits), "p50": quantile(waits, 0.5), "p90": quantile(waits, 0.9)},
        "agent_first_response": {"mean": mean(replies), "p50": quantile(replies, 0.5),
                                 "p90": quantile(replies, 0.9)},
        "handle_time": {"mean": mean(handled), "p50": quantile(handled, 0.5), "p90": quantile(handled, 0.9),
                        "total_hours": round(sum(handled) / 3600, 3)},
        "ratings": ratings,
    }
