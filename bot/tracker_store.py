"""Rasa's SQL tracker store, minus the work it does twice on every message.

Rasa 3.6's `SQLTrackerStore.save` loads the whole conversation again only to find which
events are new for the event broker, then counts the stored events to find which are new
for the database. This store counts once and uses that answer for both, in one database
session: the same events reach the broker and the table, in the same order. It reads and
writes rows with SQL statements rather than ORM objects (the same queries Rasa builds). On SQLite it
also keeps its connection open and turns on write-ahead logging with
`synchronous=NORMAL`, so a message costs one append to the log instead of syncs of the
database file; a crash of the machine may lose the last messages' events, never corrupt
the file (SQLite's documented guarantee).

    tracker_store:
      type: bot.tracker_store.LeanSQLTrackerStore
      dialect: sqlite          # or postgresql, with the same keys as Rasa's `type: SQL`
      db: var/tracker.db

With our event broker (handoff.broker) the events of a save are written to its outbox
before the rows and delivered only after the commit; what a stopped Rasa left between
the two is settled when it starts (bot.held_events).

The table, its columns and what `retrieve` returns are Rasa's own, so `rasa export`,
replay and every tool that reads Rasa's tracker store read this one unchanged."""
from __future__ import annotations

import itertools
import json
import logging
from contextlib import nullcontext
from typing import Any, ContextManager, List, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm.session below)
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.held_events import settle_held
from handoff.broker import HandoffEventBroker
from handoff.db import create_engine

logger = logging.getLogger(__name__)


class LeanSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            # pooled, WAL, synchronous=NORMAL: a power cut may cost the last messages' events
            self.engine = create_engine(url, synchronous="NORMAL")
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self._events = self.SQLEvent.__table__
        if isinstance(self.event_broker, HandoffEventBroker):
            settle_held(self.event_broker, self.engine, self._events)

    def _holding(self) -> ContextManager[None]:
        """Our broker delivers the events of a save once they are committed (handoff.broker)."""
        broker = self.event_broker
        return broker.holding() if isinstance(broker, HandoffEventBroker) else nullcontext()

    def _since_session_start(self, sender_id: Text, all_sessions: bool = False) -> Any:
        """Rasa's `_event_query` condition, as a SQL expression: the events of the latest
        conversation session (those from its `session_started` on), or all of them."""
        events = self._events
        condition = events.c.sender_id == sender_id
        if all_sessions:
            return condition
        start = (sa.select(sa.func.max(events.c.timestamp))
                 .where(events.c.sender_id == sender_id, events.c.type_name == SessionStarted.type_name)
                 .scalar_subquery())
        return sa.and_(condition, sa.or_(events.c.timestamp >= start, start.is_(None)))

    async def _retrieve(self, sender_id: Text, fetch_events_from_all_sessions: bool
                        ) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            rows = session.execute(sa.select(self._events.c.data)
                                   .where(self._since_session_start(sender_id, fetch_events_from_all_sessions))
                                   .order_by(self._events.c.id)).scalars().all()
        if not (self.domain and rows):
            return None
        return DialogueStateTracker.from_dict(sender_id, [json.loads(data) for data in rows], self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self._holding(), self.session_scope() as session:
            stored = session.execute(sa.select(sa.func.count())
                                     .where(self._since_session_start(tracker.sender_id))).scalar_one()
            new_events: List[Event] = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            if self.event_broker is not None:
                await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
            rows = []
            for event in new_events:
                data = event.as_dict()
                rows.append({"sender_id": tracker.sender_id, "type_name": event.type_name,
                             "timestamp": data.get("timestamp"),
                             "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                             "action_name": data.get("name"), "data": json.dumps(data)})
            if rows:
                session.execute(self._events.insert(), rows)
            session.commit()
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)
