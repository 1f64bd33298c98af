"""Nobody left waiting for nobody: ways out of the queue before a person accepts.

- The desk closes (business hours end, or no agent is present any more) while customers
  wait in a paused chat: each is told so, the session stays queued as a message for
  when someone is back, and the bot takes the conversation again.
- The customer changes their mind ("never mind") while waiting: the session is
  abandoned and the bot takes the conversation again.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Protocol

from handoff.errors import HandoffError, SessionConflict
from handoff.service.store import QUEUED, Session, SessionStore

logger = logging.getLogger(__name__)


def desk_closed(reason: str) -> str:
    return (f"I'm sorry for the wait: {reason}, so nobody can take over this chat now. Our conversation stays "
            "with our team as a message and someone will reply here as soon as they can. Meanwhile I'm back: "
            "I can help with anything else or book a phone callback for you.")


LEFT_QUEUE = "No problem, I've taken you out of the queue. I'm here if there's anything else I can do."


class Conversations(Protocol):
    """What is needed of Rasa (handoff.service.rasa_client.RasaClient)."""

    async def release(self, conversation_id: str, text: str) -> None: ...


def wants_to_leave(event: Dict[str, Any], intents: Iterable[str], min_confidence: float) -> bool:
    """Is this customer message (a Rasa user event) a request to stop waiting?"""
    intent = (event.get("parse_data") or {}).get("intent") or {}
    return intent.get("name") in set(intents) and float(intent.get("confidence") or 0) >= min_confidence


async def release_waiting(store: SessionStore, rasa: Conversations, off_duty_reason: Optional[str],
                          now: Optional[datetime] = None) -> List[Session]:
    """While off duty, every customer still waiting in a paused chat gets the bot back."""
    if off_duty_reason is None:
        return []
    released = []
    for session in await store.list((QUEUED,)):
        if not session.customer_waiting:
            continue
        try:
            session = await store.leave_as_message(session.id)
        except SessionConflict:
            continue  # accepted or released meanwhile
        await store.add_message(session.id, "system", f"left as a message: {off_duty_reason}")
        try:
            await rasa.release(session.conversation_id, desk_closed(off_duty_reason))
        except HandoffError as exc:
            logger.error("could not hand conversation %s back to the bot: %s", session.conversation_id, exc)
            await store.add_message(session.id, "system", f"the customer could not be told: {exc}")
        released.append(session)
    return released


async def customer_leaves(store: SessionStore, rasa: Conversations, session: Session) -> Optional[Session]:
    """The customer asked to stop waiting: abandon the session and give the bot the chat back."""
    try:
        closed = await store.withdraw(session.id)
    except SessionConflict:
        return None  # an agent accepted it a moment ago: they answer instead
    await store.add_message(session.id, "system", "the customer left the queue")
    try:
        await rasa.release(session.conversation_id, LEFT_QUEUE)
    except HandoffError as exc:
        logger.error("could not hand conversation %s back to the bot: %s", session.conversation_id, exc)
        await store.add_message(session.id, "system", f"the customer could not be told: {exc}")
    return closed


async def run_queue_watch(store: SessionStore, rasa: Conversations, off_duty: Any, every: float) -> None:
    """Background task of the service: `await off_duty(now)` gives the reason nobody can take over, or None."""
    while True:
        await asyncio.sleep(every)
        try:
            await release_waiting(store, rasa, await off_duty(datetime.now(timezone.utc)))
        except Exception:  # the loop must outlive one bad round; the error is logged with its trace
            logger.exception("queue watch round failed")
