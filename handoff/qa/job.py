"""The review job in the handoff service: a conversation is reviewed when its session
closes (again when the customer rates it), and a bot-only conversation when nobody has
written in it for ``idle_seconds``. It reads the conversation's tracker from Rasa and
the latest session of the conversation; a conversation Rasa cannot give now is tried
again at the next round."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional, Set

from handoff.errors import RasaUnavailable
from handoff.qa.domain import Catalogue
from handoff.qa.rubric import Rubric
from handoff.qa.scoring import review_events
from handoff.qa.store import QARecord, QAStore
from handoff.qa.view import Desk
from handoff.service.rasa_client import RasaClient
from handoff.service.store import CLOSED, OPEN, SessionStore

logger = logging.getLogger(__name__)


class ReviewJob:
    def __init__(self, sessions: SessionStore, results: QAStore, rasa: RasaClient, rubric: Rubric,
                 catalogue: Catalogue, idle_seconds: float) -> None:
        self.sessions, self.results, self.rasa = sessions, results, rasa
        self.rubric, self.catalogue, self.idle_seconds = rubric, catalogue, idle_seconds
        self._seen: Dict[str, datetime] = {}
        self._due: Set[str] = set()

    def seen(self, event: Dict[str, Any]) -> None:
        """A customer's message (a Rasa event from the broker): the conversation is not idle."""
        sender = event.get("sender_id")
        if event.get("event") == "user" and isinstance(sender, str) and sender:
            stamp = event.get("timestamp")
            at = datetime.fromtimestamp(float(stamp), timezone.utc) if isinstance(stamp, (int, float)) else None
            self._seen[sender] = at or datetime.now(timezone.utc)

    async def session_changed(self, kind: str, item: Any) -> None:
        """A session store listener: a closed (or rated) session's conversation is due."""
        if kind == "session" and item.status in CLOSED:
            self._due.add(item.conversation_id)

    async def review(self, conversation_id: str) -> Optional[QARecord]:
        """Review the conversation now; None while a person still has it."""
        session = await self.sessions.open_for(conversation_id, OPEN + CLOSED)
        if session is not None and session.status in OPEN and session.left_message_at is None:
            return None
        tracker = await self.rasa.tracker(conversation_id)
        events = tracker.get("events") or []
        result = review_events(conversation_id, events, self.rubric, self.catalogue.answers,
                               Desk.from_session(session) if session else None)
        last = max((e.get("timestamp") or 0 for e in events), default=0)
        return await self.results.save(result, datetime.fromtimestamp(last, timezone.utc) if last else None)

    async def round(self, now: Optional[datetime] = None) -> int:
        """One pass: remember who wrote, review what is due; how many were reviewed."""
        seen, self._seen = self._seen, {}
        await self.results.seen(seen)
        cutoff = (now or datetime.now(timezone.utc)) - timedelta(seconds=self.idle_seconds)
        due, self._due = self._due | set(await self.results.idle(cutoff)), set()
        done = 0
        for conversation_id in sorted(due):
            try:
                done += await self.review(conversation_id) is not None
            except RasaUnavailable as exc:
                logger.warning("QA of %s waits for the next round: %s", conversation_id, exc)
                self._due.add(conversation_id)
        return done

    async def run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.round()
            except Exception:  # the job keeps going; the next round tries again
                logger.exception("QA round failed")
