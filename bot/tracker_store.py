"""Rasa's SQL tracker store, minus the work it does twice on every message.

Rasa 3.6's `SQLTrackerStore.save` loads the whole conversation again only to find which
events are new for the event broker, then counts the stored events to find which are new
for the database. This store counts once and uses that answer for both, in one database
session: the same events reach the broker and the table, in the same order. On SQLite it
also keeps its connection open and turns on write-ahead logging with
`synchronous=NORMAL`, so a message costs one append to the log instead of syncs of the
database file; a crash of the machine may lose the last messages' events, never corrupt
the file (SQLite's documented guarantee).

    tracker_store:
      type: bot.tracker_store.LeanSQLTrackerStore
      dialect: sqlite          # or postgresql, with the same keys as Rasa's `type: SQL`
      db: var/tracker.db

The table, its columns and what `retrieve` returns are Rasa's own, so `rasa export`,
replay and every tool that reads Rasa's tracker store read this one unchanged."""
from __future__ import annotations

import json
import logging
from typing import Any, List

import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401  (sa.orm.session below)
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

logger = logging.getLogger(__name__)
SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000")


def sqlite_engine(url: sa.engine.URL) -> sa.engine.Engine:
    """A SQLite engine that keeps its connection open (SQLAlchemy 1.4 opens and closes one
    per session on a file, and closing the last connection to a WAL database checkpoints
    it: a sync per message), each connection with the pragmas above. Rasa uses the store
    from its event loop's thread only; the pool hands out one connection at a time."""
    engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=1, max_overflow=4,
                              connect_args={"check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _: Any) -> None:
        cursor = connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    return engine


class LeanSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sqlite_engine(url)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            new_events: List[Event] = list(self._additional_events(session, tracker))
            if self.event_broker is not None:
                await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
            for event in new_events:
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data)))
            session.commit()
        logger.debug("Tracker with sender_id '%s' stored to database", tracker.sender_id)
