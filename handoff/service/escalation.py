"""Sessions nobody accepts in time are escalated: one priority step up for every
`after` seconds of waiting, a note on the session for supervisors, and a word to the
customer that they have not been forgotten."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import List, Optional, Protocol

from handoff.errors import HandoffError
from handoff.evidence import PRIORITY_RANK
from handoff.service.store import QUEUED, Session, SessionStore

logger = logging.getLogger(__name__)
LEVELS = sorted(PRIORITY_RANK, key=PRIORITY_RANK.get)  # low, normal, high, urgent
CUSTOMER_UPDATE = ("Thanks for waiting. Our team is busy right now; you're still in the queue and we've moved "
                   "you up. A person will reply here.")


class Notifier(Protocol):
    async def send_update(self, conversation_id: str, text: str) -> None: ...


def next_level(priority: str) -> Optional[str]:
    rank = PRIORITY_RANK.get(priority, 1)
    return LEVELS[rank + 1] if rank + 1 < len(LEVELS) else None


async def escalate_waiting(store: SessionStore, notifier: Notifier, after: float,
                           now: Optional[datetime] = None) -> List[Session]:
    """Escalate every queued session that has waited `after` seconds per escalation so far."""
    now = now or datetime.now(timezone.utc)
    escalated = []
    for session in await store.list((QUEUED,)):
        waited = (now - session.created_at).total_seconds()
        higher = next_level(session.priority)
        if higher is None or waited < after * (session.escalated + 1):
            continue
        try:
            session = await store.escalate(session.id, higher, seen=session.escalated)
        except HandoffError:
            continue  # accepted, or escalated by another instance, meanwhile
        minutes = max(1, round(waited / 60))
        await store.add_message(session.id, "system", f"escalated to {higher}: nobody accepted it in {minutes} min")
        try:
            await notifier.send_update(session.conversation_id, CUSTOMER_UPDATE)
        except HandoffError as exc:
            logger.error("could not update customer %s on their wait: %s", session.conversation_id, exc)
        escalated.append(session)
    return escalated


async def run_escalation(store: SessionStore, notifier: Notifier, after: float) -> None:
    """Background task of the service: check a few times per `after` period."""
    while True:
        await asyncio.sleep(max(1.0, after / 4))
        try:
            await escalate_waiting(store, notifier, after)
        except Exception:  # the loop must outlive one bad round; the error is logged with its trace
            logger.exception("escalation round failed")
