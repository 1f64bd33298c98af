"""The decisions of erasure and retention over every target, each run leaving one audit
entry with counts only (never the address or the conversation erased: the operator
keeps the printed request id with the customer's request).

- erase(conversations): every row of these conversations, in every store;
- erase_email(address): the conversations whose tracker, session context or messages
  hold the address, then as above;
- expire(retention, now): what is older than each store's days.

Blocking (SQLAlchemy): the service runs them in a worker thread."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Collection, Dict, List, Optional, Set

from handoff.retention.config import Retention
from handoff.retention.sources import bookings_url, engine_if_there, sessions_url, tracker_url
from handoff.retention.targets import BookingTarget, SessionTarget, TrackerTarget

# which retention setting applies to which target
RETENTION_OF = {"tracker_events": "conversations", "handoff_sessions": "handoff_sessions", "bookings": "bookings"}


@dataclass(frozen=True)
class Outcome:
    request: str                  # the id to keep with the customer's request
    conversations: int
    deleted: Dict[str, int] = field(default_factory=dict)  # per store: rows (events, sessions, bookings)
    skipped: List[str] = field(default_factory=list)       # stores not configured or not there

    def as_detail(self, how: str) -> Dict[str, Any]:
        return {"request": self.request, "by": how, "conversations": self.conversations, "deleted": self.deleted,
                "skipped": self.skipped}


class Eraser:
    def __init__(self, targets: List[Any], skipped: Optional[List[str]] = None) -> None:
        self.targets = [t for t in targets if t is not None]
        self.skipped = list(skipped or [])

    def erase(self, conversations: Collection[str]) -> Outcome:
        wanted = sorted({c for c in conversations if c})
        deleted = {t.name: t.erase(wanted) for t in self.targets if t.present()}
        return Outcome(_request(), len(wanted), deleted, self.skipped + self._absent())

    def conversations_with(self, email: str) -> Set[str]:
        found: Set[str] = set()
        for target in self.targets:
            if target.present():
                found |= target.conversations_with(email.strip())
        return found

    def erase_email(self, email: str) -> Outcome:
        return self.erase(self.conversations_with(email))

    def expire(self, retention: Retention, now: Optional[datetime] = None) -> Outcome:
        now = now or datetime.now(timezone.utc)
        deleted = {}
        for target in self.targets:
            days = getattr(retention, RETENTION_OF[target.name])
            if days and target.present():
                deleted[target.name] = target.expire(now - timedelta(days=days))
        return Outcome(_request(), 0, deleted, self.skipped + self._absent())

    def _absent(self) -> List[str]:
        return [t.name for t in self.targets if not t.present()]


def from_env(env: Any, endpoints: Any, sessions_engine: Any = None) -> Eraser:
    """Every store as configured: endpoints.yml's SQL tracker store, HANDOFF_DB_URL (or the given
    engine), BOOKING_DB_URL; a store not configured or not there is listed as skipped."""
    skipped: List[str] = []
    tracker = engine_if_there(tracker_url(endpoints, env))
    if tracker is None:
        skipped.append("tracker_events")
    sessions = sessions_engine or engine_if_there(sessions_url(env))
    if sessions is None:
        skipped.append("handoff_sessions")
    bookings = engine_if_there(bookings_url(env))
    if bookings is None:
        skipped.append("bookings")
    return Eraser([TrackerTarget(tracker) if tracker is not None else None,
                   SessionTarget(sessions) if sessions is not None else None,
                   BookingTarget(bookings) if bookings is not None else None], skipped)


def _request() -> str:
    return f"erasure-{uuid.uuid4().hex[:12]}"
