"""One erasure target per store that holds a customer's data, each on its own engine,
each with the same three blocking calls (run them in a worker thread from async code):
`conversations_with(email)`, `erase(conversations)` and `expire(cutoff)`, returning
counts. Nothing here knows the others: handoff.retention.eraser decides."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Collection, Set

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from handoff.service.store import CLOSED, messages, sessions


def _like(email: str) -> str:
    """A LIKE pattern for an address inside stored text, wildcards in it escaped."""
    return "%" + email.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class TrackerTarget:
    """Rasa's SQL tracker store: the `events` table (sender_id, timestamp, data)."""
    name = "tracker_events"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.events = sa.Table("events", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                               sa.Column("sender_id", sa.String(255)), sa.Column("timestamp", sa.Float),
                               sa.Column("data", sa.Text))

    def present(self) -> bool:
        return sa.inspect(self.engine).has_table("events")

    def conversations_with(self, email: str) -> Set[str]:
        query = sa.select(self.events.c.sender_id).distinct().where(
            sa.func.lower(self.events.c.data).like(_like(email), escape="\\"))
        with self.engine.connect() as connection:
            return {row.sender_id for row in connection.execute(query)}

    def erase(self, conversations: Collection[str]) -> int:
        if not conversations:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(self.events.delete().where(self.events.c.sender_id.in_(list(conversations)))
                                      ).rowcount

    def expire(self, cutoff: datetime) -> int:
        """Whole conversations whose last event is older than the cutoff (never half a tracker)."""
        old = (sa.select(self.events.c.sender_id).group_by(self.events.c.sender_id)
               .having(sa.func.max(self.events.c.timestamp) < cutoff.timestamp()))
        with self.engine.begin() as connection:
            return connection.execute(self.events.delete().where(self.events.c.sender_id.in_(old))).rowcount


class SessionTarget:
    """The handoff service's sessions and their messages."""
    name = "handoff_sessions"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def present(self) -> bool:
        return sa.inspect(self.engine).has_table("handoff_sessions")

    def conversations_with(self, email: str) -> Set[str]:
        query = sa.select(sessions.c.conversation_id).distinct().where(
            sa.func.lower(sessions.c.context).like(_like(email), escape="\\"))
        written = (sa.select(sessions.c.conversation_id).distinct().select_from(sessions.join(messages))
                   .where(sa.func.lower(messages.c.text).like(_like(email), escape="\\")))
        with self.engine.connect() as connection:
            return {row.conversation_id for q in (query, written) for row in connection.execute(q)}

    def erase(self, conversations: Collection[str]) -> int:
        if not conversations:
            return 0
        ids = sa.select(sessions.c.id).where(sessions.c.conversation_id.in_(list(conversations)))
        return self._delete(ids)

    def expire(self, cutoff: datetime) -> int:
        ids = sa.select(sessions.c.id).where(sessions.c.status.in_(list(CLOSED))).where(
            sessions.c.closed_at < cutoff)
        return self._delete(ids)

    def _delete(self, ids: sa.sql.Select) -> int:
        with self.engine.begin() as connection:
            found = [row.id for row in connection.execute(ids)]
            if not found:
                return 0
            connection.execute(messages.delete().where(messages.c.session_id.in_(found)))
            return connection.execute(sessions.delete().where(sessions.c.id.in_(found))).rowcount


class BookingTarget:
    """The action server's bookings (customer = the conversation's sender id)."""
    name = "bookings"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.bookings = sa.Table("bookings", sa.MetaData(), sa.Column("reference", sa.Text, primary_key=True),
                                 sa.Column("customer", sa.Text), sa.Column("start_utc", sa.Text))

    def present(self) -> bool:
        return sa.inspect(self.engine).has_table("bookings")

    def conversations_with(self, email: str) -> Set[str]:
        return set()  # bookings hold the conversation, not an address

    def erase(self, conversations: Collection[str]) -> int:
        if not conversations:
            return 0
        with self.engine.begin() as connection:
            return connection.execute(self.bookings.delete().where(
                self.bookings.c.customer.in_(list(conversations)))).rowcount

    def expire(self, cutoff: datetime) -> int:
        stamp = cutoff.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        with self.engine.begin() as connection:
            return connection.execute(self.bookings.delete().where(self.bookings.c.start_utc < stamp)).rowcount
