"""Live-agent sessions and their messages, persisted with SQLAlchemy (SQLite by
default, PostgreSQL by URL), so a restart of the handoff service loses nothing.

A session goes queued -> assigned (an agent accepted) -> active (the agent wrote)
-> resolved | returned (to the bot) | abandoned; a transfer puts it back in the
queue for another skill or agent. State changes are single conditional UPDATEs, so
two agents accepting at once cannot both win. SQLAlchemy runs in a worker thread:
nothing here blocks the event loop."""
from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from handoff.errors import CapacityReached, SessionConflict, SessionNotFound
from handoff.db import create_engine, in_transaction
from handoff.evidence import PRIORITY_RANK
from handoff.service.records import (ABANDONED, ACTIVE, ASSIGNED, CLOSED, DELIVERED, FAILED, OPEN, QUEUED,  # noqa: F401
                                     RESOLVED, RETURNED, SENDING, Message, Session, message_from, session_from)
from handoff.service.tables import messages, metadata, presence, sessions, upgrade  # noqa: F401

T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(timezone.utc)


class SessionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._listeners: List[Callable[[str, Any], Awaitable[None]]] = []

    def subscribe(self, listener: Callable[[str, Any], Awaitable[None]]) -> None:
        """Called with ("session", Session) after every change and ("message", Message) after every message
        made through this store (other service instances' changes come through handoff.service.fanout)."""
        self._listeners.append(listener)

    async def write(self, work: Callable[[Connection], T]) -> T:
        """A statement of another module's (handoff.relay) in its own transaction, tried again while
        SQLite says the database is locked."""
        return await self._retry_locked(work)

    async def read(self, work: Callable[[Connection], T]) -> T:
        return await self._run(work)

    async def announce(self, message: Message) -> Message:
        """Tell the listeners about a message again (one stored by a try that stopped before)."""
        return await self._changed("message", message)

    async def _changed(self, kind: str, item: Any) -> Any:
        for listener in self._listeners:
            await listener(kind, item)
        return item

    @property
    def shared(self) -> bool:
        """Can several service instances use this database at once (PostgreSQL)?"""
        return self.engine.dialect.name == "postgresql"

    @classmethod
    def from_url(cls, url: str) -> SessionStore:
        """`sqlite:///var/handoff.db` (the default) or `postgresql://user@host/db`."""
        parsed = sa.engine.make_url(url)
        if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, pool_pre_ping=True)  # SQLite: WAL, pooled (handoff.db)
        metadata.create_all(engine)
        upgrade(engine)
        return cls(engine)

    async def _run(self, work: Callable[[Connection], T]) -> T:
        return await in_transaction(self.engine, work)

    async def create(self, conversation_id: str, context: Dict[str, Any], skill: str, priority: str) -> Session:
        return (await self.open_once(conversation_id, context, skill, priority))[0]

    async def open_once(self, conversation_id: str, context: Dict[str, Any], skill: str,
                        priority: str) -> Tuple[Session, bool]:
        """A new queued session, or the conversation's open one if it has one (False): two transfers
        of one conversation at once open one session, whichever process or instance takes them."""
        for _ in range(3):
            row = {"id": str(uuid.uuid4()), "conversation_id": conversation_id, "status": QUEUED, "skill": skill,
                   "priority": priority, "rank": PRIORITY_RANK.get(priority, 1), "context": json.dumps(context),
                   "created_at": _now(), "escalated": 0}
            try:
                await self._run(lambda c: c.execute(sessions.insert().values(**row)))
            except sa.exc.IntegrityError:
                existing = await self.open_for(conversation_id)
                if existing is not None:
                    return existing, False
                continue  # the open one closed in between: try again
            return await self._changed("session", await self.get(row["id"])), True
        raise SessionConflict(conversation_id, "changing", "opened (its sessions kept opening and closing)")

    async def get(self, session_id: str) -> Session:
        row = await self._run(lambda c: c.execute(sessions.select().where(sessions.c.id == session_id)).first())
        if row is None:
            raise SessionNotFound(session_id)
        return session_from(row)

    async def list(self, statuses: Sequence[str] = OPEN, skill: Optional[str] = None,
                   since: Optional[datetime] = None) -> List[Session]:
        """Most urgent first, then longest waiting."""
        query = sessions.select().where(sessions.c.status.in_(list(statuses)))
        if skill:
            query = query.where(sessions.c.skill == skill)
        if since is not None:
            query = query.where(sessions.c.created_at >= since)
        query = query.order_by(sessions.c.rank.desc(), sessions.c.created_at.asc())
        rows = await self._run(lambda c: c.execute(query).all())
        return [session_from(row) for row in rows]

    async def open_for(self, conversation_id: str, statuses: Sequence[str] = OPEN) -> Optional[Session]:
        """The conversation's latest session in one of these states (by default: still open)."""
        query = (sessions.select().where(sessions.c.conversation_id == conversation_id)
                 .where(sessions.c.status.in_(list(statuses))).order_by(sessions.c.created_at.desc()))
        row = await self._run(lambda c: c.execute(query).first())
        return session_from(row) if row is not None else None

    async def _transition(self, session_id: str, allowed: Sequence[str], wanted: str,
                          only_if: Optional[Any] = None, **values: Any) -> Session:
        """Change a session in one conditional UPDATE: in one of the `allowed` states and, with
        `only_if`, while that condition holds; otherwise SessionConflict (someone was first)."""
        update = sessions.update().where(sessions.c.id == session_id).where(sessions.c.status.in_(list(allowed)))
        if only_if is not None:
            update = update.where(only_if)
        changed = await self._run(lambda c: c.execute(update.values(**values)).rowcount)
        session = await self.get(session_id)
        if not changed:
            state = f"{wanted} already" if session.status in allowed else session.status
            raise SessionConflict(session_id, state, wanted)
        return await self._changed("session", session)

    async def accept(self, session_id: str, agent: str, capacity: Optional[int] = None) -> Session:
        """Exactly one agent wins; with `capacity`, only while the agent has fewer open chats, counted
        in the same statement (and, on PostgreSQL, under a lock per agent), so concurrent accepts
        cannot overfill the agent. Raises SessionConflict saying who has it, or CapacityReached."""
        update = (sessions.update().where(sessions.c.id == session_id).where(sessions.c.status == QUEUED)
                  .where(sa.or_(sessions.c.agent.is_(None), sessions.c.agent == agent))
                  .values(status=ASSIGNED, agent=agent, assigned_at=_now()))
        if capacity is not None:
            update = update.where(self._open_count(agent) < capacity)

        def work(connection: Connection) -> int:
            if self.shared:
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                                   {"key": f"handoff capacity {agent}"})
            return connection.execute(update).rowcount
        changed = await self._retry_locked(work)
        session = await self.get(session_id)
        if changed:
            return await self._changed("session", session)
        if session.status != QUEUED:
            who = f" by {session.agent}" if session.agent else ""
            raise SessionConflict(session_id, f"{session.status}{who}" if session.status in CLOSED
                                  else f"already accepted{who}", "accepted")
        if session.agent and session.agent != agent:
            raise SessionConflict(session_id, f"waiting for {session.agent} (transferred to them)", "accepted")
        raise CapacityReached(agent, await self.open_count(agent), capacity or 0)

    @staticmethod
    def _open_count(agent: str) -> Any:
        mine = sessions.alias("mine")
        return (sa.select(sa.func.count()).select_from(mine)
                .where(mine.c.agent == agent).where(mine.c.status.in_([ASSIGNED, ACTIVE])).scalar_subquery())

    async def open_count(self, agent: str) -> int:
        return int(await self._run(lambda c: c.execute(sa.select(self._open_count(agent))).scalar()))

    async def _retry_locked(self, work: Callable[[Connection], T], tries: int = 20) -> T:
        """SQLite answers 'database is locked' to the second of two writers that read first; the
        statement did nothing, so it is safe to run it again."""
        for attempt in range(tries):
            try:
                return await self._run(work)
            except sa.exc.OperationalError as exc:
                if "locked" not in str(exc) or attempt == tries - 1:
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable: the last try returns or raises")

    async def activate(self, session_id: str) -> Session:
        return await self._transition(session_id, (ASSIGNED,), "activated", status=ACTIVE)

    async def transfer(self, session_id: str, skill: Optional[str] = None, agent: Optional[str] = None) -> Session:
        """Back to the queue, for another skill or a named agent (who then accepts it)."""
        current = await self.get(session_id)
        return await self._transition(session_id, (ASSIGNED, ACTIVE), "transferred", status=QUEUED,
                                      skill=skill or current.skill, agent=agent, assigned_at=None)

    async def escalate(self, session_id: str, priority: str, seen: Optional[int] = None) -> Session:
        """Up one priority. With `seen` (the escalations the caller saw), only if nobody
        escalated it meanwhile: several service instances run the same check."""
        return await self._transition(session_id, (QUEUED,), "escalated",
                                      only_if=None if seen is None else sessions.c.escalated == seen,
                                      priority=priority, rank=PRIORITY_RANK.get(priority, 1),
                                      escalated=sessions.c.escalated + 1)

    async def close(self, session_id: str, status: str) -> Session:
        if status not in CLOSED:
            raise ValueError(f"a session closes as one of {', '.join(CLOSED)}, not '{status}'")
        return await self._transition(session_id, OPEN, status, status=status, closed_at=_now())

    async def leave_as_message(self, session_id: str) -> Session:
        """Nobody can take over now: the session stays queued, the customer goes back to the bot.
        Only once: a session already left as a message raises SessionConflict."""
        return await self._transition(session_id, (QUEUED,), "left as a message",
                                      only_if=sessions.c.left_message_at.is_(None), left_message_at=_now())

    async def waiting_again(self, session_id: str) -> Session:
        """A session left as a message whose customer is back, waiting in a paused chat."""
        return await self._transition(session_id, (QUEUED,), "waited for", left_message_at=None)

    async def withdraw(self, session_id: str) -> Session:
        """The customer stopped waiting before anyone accepted: abandoned."""
        return await self._transition(session_id, (QUEUED,), "withdrawn", status=ABANDONED, closed_at=_now())

    async def rate(self, session_id: str, rating: int) -> Session:
        if not 1 <= rating <= 5:
            raise ValueError(f"a rating is 1 to 5, not {rating}")
        # Once: a rating is never overwritten (a second one is a SessionConflict, 409).
        return await self._transition(session_id, CLOSED, "rated", only_if=sessions.c.rating.is_(None), rating=rating)

    async def add_message(self, session_id: str, sender: str, text: str, author: Optional[str] = None) -> Message:
        row = {"session_id": session_id, "sender": sender, "author": author, "text": text, "at": _now()}
        await self.get(session_id)
        seq = await self._run(lambda c: c.execute(messages.insert().values(**row)).inserted_primary_key[0])
        return await self._changed("message", Message(seq=seq, **row))

    async def add_once(self, session_id: str, sender: str, text: str, key: str, author: Optional[str] = None,
                       status: Optional[str] = None, **columns: Any) -> Tuple[Message, bool]:
        """Store a message with its id once: (the message, True), or for an id this session already
        has (a redelivery, a client's retry), (the message stored first, False). `columns`: more of
        the new row's values (handoff.relay.connector_notice's claim)."""
        row = {"session_id": session_id, "sender": sender, "author": author, "text": text, "at": _now(),
               "msg_key": key, "status": status, **columns}
        await self.get(session_id)
        try:
            seq = await self._retry_locked(lambda c: c.execute(messages.insert().values(**row)).inserted_primary_key[0])
        except sa.exc.IntegrityError:
            found = await self.keyed(session_id, key)
            if found is None:
                raise
            return found, False
        message = Message(seq, session_id, sender, author, text, row["at"], key, status)
        return await self._changed("message", message), True

    async def keyed(self, session_id: str, key: str) -> Optional[Message]:
        query = messages.select().where(messages.c.session_id == session_id).where(messages.c.msg_key == key)
        row = await self._run(lambda c: c.execute(query).first())
        return message_from(row) if row is not None else None

    async def mark(self, seq: int, status: str, only_from: Sequence[str] = (SENDING, FAILED),
                   touch: bool = False) -> Optional[Message]:
        """Set an agent message's delivery status (from one of `only_from`; with `touch`, its time to
        now: sent again); the change goes to the agents."""
        values: Dict[str, Any] = {"status": status, **({"at": _now()} if touch else {})}
        update = (messages.update().where(messages.c.seq == seq).where(messages.c.status.in_(list(only_from)))
                  .values(**values))
        if not await self._retry_locked(lambda c: c.execute(update).rowcount):
            return None
        return await self._changed("message", await self.message(seq))

    async def undelivered(self, statuses: Sequence[str] = (SENDING,), before: Optional[datetime] = None,
                          since: Optional[datetime] = None) -> List[Message]:
        """Agents' messages in these states (written before `before`, after `since`), oldest first."""
        query = messages.select().where(messages.c.status.in_(list(statuses)))
        if before is not None:
            query = query.where(messages.c.at < before)
        if since is not None:
            query = query.where(messages.c.at >= since)
        return [message_from(row) for row in await self._run(lambda c: c.execute(query.order_by(messages.c.seq)).all())]

    async def link(self, session_id: str, external_id: str) -> None:
        """Remember the session's id in a connector's system."""
        update = sessions.update().where(sessions.c.id == session_id).values(external_id=external_id)
        await self._run(lambda c: c.execute(update))

    async def by_external(self, external_id: str) -> Session:
        query = sessions.select().where(sessions.c.external_id == external_id)
        row = await self._run(lambda c: c.execute(query).first())
        if row is None:
            raise SessionNotFound(f"(linked to '{external_id}')")
        return session_from(row)

    async def notify(self, channel: str, payload: str) -> None:
        """PostgreSQL NOTIFY, for the other service instances (handoff.service.fanout)."""
        await self._run(lambda c: c.execute(sa.text("SELECT pg_notify(:channel, :payload)"),
                                            {"channel": channel, "payload": payload}))

    async def message(self, seq: int) -> Message:
        row = await self._run(lambda c: c.execute(messages.select().where(messages.c.seq == seq)).first())
        if row is None:
            raise SessionNotFound(f"(of message {seq})")
        return message_from(row)

    async def saw(self, agent: str, at: datetime) -> None:
        """Record that the agent was there at `at`."""
        def upsert(connection: Connection) -> None:
            update = presence.update().where(presence.c.agent == agent).values(seen_at=at)
            if connection.execute(update).rowcount == 0:
                connection.execute(presence.insert().values(agent=agent, seen_at=at))
        try:
            await self._run(upsert)
        except sa.exc.IntegrityError:  # another instance inserted the same agent first
            await self._run(lambda c: c.execute(presence.update().where(presence.c.agent == agent)
                                                .values(seen_at=at)))

    async def seen_since(self, cutoff: datetime) -> List[str]:
        query = presence.select().where(presence.c.seen_at >= cutoff).order_by(presence.c.agent)
        return [row.agent for row in await self._run(lambda c: c.execute(query).all())]

    async def messages(self, session_id: str, after: int = 0) -> List[Message]:
        query = (messages.select().where(messages.c.session_id == session_id).where(messages.c.seq > after)
                 .order_by(messages.c.seq))
        return [message_from(row) for row in await self._run(lambda c: c.execute(query).all())]
