"""Repairs what a fault left half-done between Rasa's tracker (the truth about the
conversation: paused or not) and the session store (the truth about the agent side).
A background job of the service, every HANDOFF_RECONCILE seconds:

- a session assigned or active whose conversation is not paused any more: a session
  left as a message and accepted is paused again (the agent has the chat); one whose
  agent's hand-back or close stopped half-way is finished as the agent meant (a hand-back
  gives the closing prompt if it is still due); any other was handed back or released,
  and is closed as returned;
- a conversation still paused whose session was closed (in the last `window` seconds) or
  left as a message, with no other session open for it: resumed, and the customer is
  told the bot is back;
- an agent message whose delivery was unknown is settled by looking for its id in the
  tracker: delivered or failed (and a failed one that did arrive becomes delivered).

Each repair is noted on the session as a system message and logged. Changes a fault
may still be finishing (younger than `grace` seconds) are left for the next round."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import List, Optional

from handoff.errors import RasaUnavailable, SessionConflict
from handoff.relay.agent_messages import settle
from handoff.relay.handback import last_word_key
from handoff.service.rasa_client import RasaClient
from handoff.service.store import (ACTIVE, ASSIGNED, CLOSED, FAILED, QUEUED, RESOLVED, RETURNED, SENDING,
                                   Session, SessionStore)

logger = logging.getLogger(__name__)
BOT_IS_BACK = "You're back with the shop assistant now. Write again if you'd like a person."


class Reconciler:
    def __init__(self, store: SessionStore, rasa: RasaClient, settle_seconds: float, grace: float = 10.0,
                 window: float = 600.0) -> None:
        self.store, self.rasa, self.settle_seconds, self.grace = store, rasa, settle_seconds, grace
        self.window = window  # closed sessions are looked at this long after they closed

    async def run_once(self, now: Optional[datetime] = None) -> List[str]:
        """One round; what was repaired, in words."""
        now = now or datetime.now(timezone.utc)
        repaired: List[str] = []
        try:
            for session in await self.store.list((ASSIGNED, ACTIVE)):
                if _older(session.assigned_at, now, self.grace):
                    repaired += await self._open_session(session)
            recent = now - timedelta(seconds=self.window)
            for session in await self.store.list(CLOSED + (QUEUED,), since=now - timedelta(days=1)):
                left = session.status == QUEUED and session.left_message_at is not None
                if left and _older(session.left_message_at, now, self.grace) or (
                        session.status in CLOSED and _older(session.closed_at, now, self.grace)
                        and session.closed_at >= recent):
                    repaired += await self._ended_session(session)
            repaired += await self._messages(now)
        except RasaUnavailable as exc:
            logger.warning("reconciliation paused until Rasa answers: %s", exc)
        return repaired

    async def _note(self, session: Session, what: str) -> str:
        logger.warning("reconciled session %s (conversation %s): %s", session.id, session.conversation_id, what)
        await self.store.add_message(session.id, "system", f"repaired: {what}")
        return f"{session.id}: {what}"

    async def _open_session(self, session: Session) -> List[str]:
        if await self.rasa.paused(session.conversation_id):
            return []
        if session.left_message_at is not None:
            await self.rasa.pause(session.conversation_id)
            return [await self._note(session, "the conversation was paused again for the agent who accepted it")]
        # An agent's hand-back or close stopped half-way (its last word is stored): it is finished as
        # the agent meant, the closing prompt given if it is still due; otherwise closed as returned.
        handing_back = await self.store.keyed(session.id, last_word_key(session.id, True)) is not None
        closing = not handing_back and await self.store.keyed(session.id, last_word_key(session.id, False))
        if handing_back:
            await self.rasa.hand_back(session.conversation_id)
        status = RESOLVED if closing else RETURNED
        try:
            await self.store.close(session.id, status)
        except SessionConflict:
            return []
        what = "the agent's hand-back was finished" if handing_back else f"closed as {status}"
        return [await self._note(session, f"{what}: the bot already had the conversation again")]

    async def _ended_session(self, session: Session) -> List[str]:
        current = await self.store.open_for(session.conversation_id)
        if current is not None and (current.customer_waiting or current.status in (ASSIGNED, ACTIVE)):
            return []
        if not await self.rasa.paused(session.conversation_id):
            return []
        await self.rasa.release(session.conversation_id, BOT_IS_BACK, f"reconcile-{session.id}")
        return [await self._note(session, f"the conversation was still paused with the session {session.status}; "
                                          "the bot has it again and the customer was told")]

    async def _messages(self, now: datetime) -> List[str]:
        repaired = []
        unknown = await self.store.undelivered((SENDING,), before=now - timedelta(seconds=self.settle_seconds))
        failed = await self.store.undelivered((FAILED,), since=now - timedelta(hours=1))
        for message in unknown + failed:
            session = await self.store.get(message.session_id)
            outcome = await settle(self.store, self.rasa, message, session)
            if outcome is not None and outcome != message.status:
                repaired.append(await self._note(session, f"message {message.key} was {outcome}"))
        return repaired

    async def run(self, every: float) -> None:
        """Background task of the service: a round at the start, then every `every` seconds."""
        while True:
            try:
                await self.run_once()
            except Exception:  # the loop must outlive one bad round; the error is logged with its trace
                logger.exception("reconciliation round failed")
            await asyncio.sleep(every)


def _older(moment: Optional[datetime], now: datetime, seconds: float) -> bool:
    return moment is not None and (now - moment).total_seconds() >= seconds
