"""The live-agent session store on SQLite (the embedded default) and on PostgreSQL
(scale-out; HANDOFF_TEST_POSTGRES overrides the URL)."""
from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path
from contextlib import contextmanager
from typing import AsyncIterator, Iterator, List

import pytest
import sqlalchemy as sa

from handoff.errors import SessionConflict, SessionNotFound
from handoff.service.store import ABANDONED, ASSIGNED, QUEUED, RESOLVED, RETURNED, SessionStore, metadata
from tests.conftest import require

POSTGRES = os.environ.get("HANDOFF_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_up() -> bool:
    try:
        with sa.create_engine(POSTGRES).connect():
            return True
    except Exception:  # any failure to connect means "absent" here
        return False


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[SessionStore]:
    if request.param == "sqlite":
        yield SessionStore.from_url(f"sqlite:///{tmp_path / 'handoff.db'}")
        return
    with postgres_schema() as engine:
        yield SessionStore(engine)


@contextmanager
def postgres_schema() -> Iterator[sa.engine.Engine]:
    """An engine on a fresh schema of the test database, with the tables; dropped afterwards."""
    require(postgres_up(), f"PostgreSQL is not reachable at {POSTGRES}")
    schema = f"test_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(POSTGRES, future=True)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    scoped = engine.execution_options(schema_translate_map={None: schema})
    metadata.create_all(scoped)
    try:
        yield scoped
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def context(conversation_id: str) -> dict:
    return {"conversation_id": conversation_id, "summary": "Wants: track order (order 10003)."}


async def test_queue_is_most_urgent_then_longest_waiting(store: SessionStore) -> None:
    first = await store.create("c1", context("c1"), "general", "normal")
    urgent = await store.create("c2", context("c2"), "legal", "urgent")
    second = await store.create("c3", context("c3"), "general", "normal")
    assert [s.id for s in await store.list((QUEUED,))] == [urgent.id, first.id, second.id]
    assert [s.id for s in await store.list((QUEUED,), skill="legal")] == [urgent.id]
    assert (await store.get(first.id)).context["summary"].startswith("Wants")


async def test_two_agents_accepting_at_once_exactly_one_wins(store: SessionStore) -> None:
    session = await store.create("c1", context("c1"), "general", "normal")
    results = await asyncio.gather(*(store.accept(session.id, f"agent{i}") for i in range(8)),
                                   return_exceptions=True)
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1 and all(isinstance(r, SessionConflict) for r in results if r not in winners)
    current = await store.get(session.id)
    assert current.status == ASSIGNED and current.agent == winners[0].agent


async def test_lifecycle_messages_in_order_and_rating(store: SessionStore) -> None:
    session = await store.create("c1", context("c1"), "general", "normal")
    await store.accept(session.id, "sam")
    await store.activate(session.id)
    for i in range(5):
        await store.add_message(session.id, "customer" if i % 2 else "agent", f"message {i}", author="sam")
    seen = await store.messages(session.id)
    assert [m.text for m in seen] == [f"message {i}" for i in range(5)]
    assert [m.text for m in await store.messages(session.id, after=seen[2].seq)] == ["message 3", "message 4"]
    assert (await store.open_for("c1")).id == session.id
    closed = await store.close(session.id, RETURNED)
    assert closed.closed_at is not None and await store.open_for("c1") is None
    assert (await store.rate(session.id, 5)).rating == 5
    with pytest.raises(SessionConflict, match="is returned, so it cannot be resolved"):
        await store.close(session.id, RESOLVED)


async def test_transfer_and_escalation_requeue(store: SessionStore) -> None:
    session = await store.create("c1", context("c1"), "general", "normal")
    await store.accept(session.id, "sam")
    moved = await store.transfer(session.id, skill="payments")
    assert (moved.status, moved.skill, moved.agent) == (QUEUED, "payments", None)
    raised = await store.escalate(session.id, "high")
    assert (raised.priority, raised.escalated) == ("high", 1)
    # two service instances escalating what they both saw at 1 escalation: one does it
    results = await asyncio.gather(store.escalate(session.id, "urgent", seen=1),
                                   store.escalate(session.id, "urgent", seen=1), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Session", "SessionConflict"]
    assert (await store.get(session.id)).escalated == 2


async def test_bad_requests_say_what_to_do(store: SessionStore) -> None:
    with pytest.raises(SessionNotFound, match="list sessions with GET /api/sessions"):
        await store.get("nope")
    session = await store.create("c1", context("c1"), "general", "normal")
    with pytest.raises(ValueError, match="1 to 5"):
        await store.rate(session.id, 9)
    with pytest.raises(SessionConflict):
        await store.rate(session.id, 4)  # only closed sessions are rated


async def test_a_new_store_on_the_same_database_sees_everything(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'handoff.db'}"
    session = await SessionStore.from_url(url).create("c1", context("c1"), "general", "normal")
    await SessionStore.from_url(url).add_message(session.id, "customer", "still there?")
    restarted = SessionStore.from_url(url)
    assert (await restarted.get(session.id)).status == QUEUED
    assert [m.text for m in await restarted.messages(session.id)] == ["still there?"]


class Customers:
    def __init__(self) -> None:
        self.told: list = []

    async def send_update(self, conversation_id: str, text: str) -> None:
        self.told.append(conversation_id)


async def test_sessions_nobody_accepts_go_up_a_priority_and_the_customer_hears(store: SessionStore) -> None:
    from datetime import timedelta

    from handoff.service.escalation import escalate_waiting

    waiting = await store.create("c1", context("c1"), "general", "normal")
    taken = await store.create("c2", context("c2"), "general", "normal")
    await store.accept(taken.id, "sam")
    customers = Customers()
    later = waiting.created_at + timedelta(seconds=61)
    assert [s.priority for s in await escalate_waiting(store, customers, 60, later)] == ["high"]
    assert await escalate_waiting(store, customers, 60, later) == []  # not again within the next period
    assert [s.priority for s in await escalate_waiting(store, customers, 60, later + timedelta(seconds=60))] == [
        "urgent"]
    assert await escalate_waiting(store, customers, 60, later + timedelta(hours=1)) == []  # urgent is the top
    assert customers.told == ["c1", "c1"]
    notes = [m.text for m in await store.messages(waiting.id) if m.sender == "system"]
    assert notes[0].startswith("escalated to high: nobody accepted it in 1 min")
    assert (await store.list((QUEUED,)))[0].id == waiting.id


async def test_a_database_from_before_connectors_gets_the_new_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "CREATE TABLE handoff_sessions (id VARCHAR(36) PRIMARY KEY, conversation_id VARCHAR(255) NOT NULL, "
            "status VARCHAR(16) NOT NULL, skill VARCHAR(64) NOT NULL, priority VARCHAR(16) NOT NULL, "
            "rank INTEGER NOT NULL, agent VARCHAR(64), context TEXT NOT NULL, created_at DATETIME NOT NULL, "
            "assigned_at DATETIME, closed_at DATETIME, escalated INTEGER NOT NULL, rating INTEGER)"))
    store = SessionStore.from_url(url)
    session = await store.create("c1", context("c1"), "general", "normal")
    await store.link(session.id, "cw-100")
    assert (await store.by_external("cw-100")).id == session.id
    assert (await store.leave_as_message(session.id)).left_message_at is not None


class Rasa:
    """Records what the queue exits ask of Rasa."""

    def __init__(self) -> None:
        self.released: list = []

    async def release(self, conversation_id: str, text: str) -> None:
        self.released.append((conversation_id, text))


async def test_when_the_desk_closes_waiting_customers_get_the_bot_back(store: SessionStore) -> None:
    from handoff.service.queue_exit import release_waiting

    waiting = await store.create("c1", context("c1"), "general", "normal")
    taken = await store.create("c2", context("c2"), "general", "normal")
    await store.accept(taken.id, "sam")
    rasa = Rasa()
    assert await release_waiting(store, rasa, None) == []  # on duty: everyone keeps waiting
    released = await release_waiting(store, rasa, "nobody from our team is available right now")
    assert [s.id for s in released] == [waiting.id] and released[0].status == QUEUED  # a message, still queued
    assert rasa.released[0][0] == "c1" and "nobody from our team is available right now" in rasa.released[0][1]
    assert await release_waiting(store, rasa, "closed") == [] and len(rasa.released) == 1  # told once
    assert [m.text for m in await store.messages(waiting.id)] == [
        "left as a message: nobody from our team is available right now"]
    assert not (await store.get(waiting.id)).customer_waiting
    assert (await store.waiting_again(waiting.id)).customer_waiting  # asked again while someone is there
    assert (await store.accept(waiting.id, "sam")).status == ASSIGNED


async def test_a_waiting_customer_who_says_never_mind_leaves_the_queue(store: SessionStore) -> None:
    from handoff.service.queue_exit import LEFT_QUEUE, customer_leaves, wants_to_leave

    event = {"event": "user", "text": "never mind", "parse_data": {"intent": {"name": "stop", "confidence": 0.93}}}
    assert wants_to_leave(event, ["stop"], 0.6)
    assert not wants_to_leave({**event, "parse_data": {"intent": {"name": "stop", "confidence": 0.4}}}, ["stop"], 0.6)
    assert not wants_to_leave({"event": "user", "text": "hello?"}, ["stop"], 0.6)
    session = await store.create("c1", context("c1"), "general", "normal")
    rasa = Rasa()
    closed = await customer_leaves(store, rasa, session)
    assert closed.status == ABANDONED and rasa.released == [("c1", LEFT_QUEUE)]
    assert [m.text for m in await store.messages(session.id)] == ["the customer left the queue"]
    accepted = await store.create("c2", context("c2"), "general", "normal")
    await store.accept(accepted.id, "sam")  # an agent was quicker: they answer instead
    assert await customer_leaves(store, rasa, accepted) is None
    assert (await store.get(accepted.id)).status == ASSIGNED and len(rasa.released) == 1


async def test_the_desk_in_figures(store: SessionStore) -> None:
    from datetime import timedelta

    from handoff.service.metrics import desk_metrics

    def reasons(trigger: str) -> dict:
        return {**context("c"), "reasons": [{"trigger": trigger}]}

    served = await store.create("c1", reasons("explicit"), "orders", "normal")
    await store.accept(served.id, "sam")
    await store.close(served.id, RETURNED)
    await store.rate(served.id, 4)
    left = await store.create("c2", reasons("sentiment"), "general", "normal")
    await store.withdraw(left.id)
    waiting = await store.create("c3", reasons("explicit"), "general", "high")
    message = await store.create("c4", reasons("gray_area"), "legal", "urgent")
    await store.leave_as_message(message.id)
    sessions = await store.list(("queued", "assigned", "active", "resolved", "returned", "abandoned"))
    now = waiting.created_at + timedelta(seconds=90)
    figures = desk_metrics(sessions, now)
    assert figures["sessions"] == 4
    assert figures["by_status"] == {"returned": 1, "abandoned": 1, "queued": 2}
    assert figures["by_reason"] == {"explicit": 2, "sentiment": 1, "gray_area": 1}
    assert figures["time_to_agent_seconds"]["accepted"] == 1 and figures["time_to_agent_seconds"]["p50"] >= 0
    assert figures["waiting_now"]["customers"] == 1  # the one left as a message is not waiting
    assert 89 <= figures["waiting_now"]["longest_seconds"] <= 91
    assert figures["returned_to_bot_share"] == 0.5 and figures["abandoned_share"] == 0.5
    assert figures["rating"] == {"count": 1, "average": 4.0, "by_value": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}}
    assert figures["left_as_message"] == 1 and figures["queued_now"] == 2
    later = await store.list(("queued", "returned", "abandoned"), since=message.created_at)
    assert [s.id for s in later] == [message.id]


def test_a_sqlite_file_runs_in_write_ahead_log_mode_with_pooled_connections(tmp_path: Path) -> None:
    store = SessionStore.from_url(f"sqlite:///{tmp_path / 'handoff.db'}")
    opened: List[int] = []
    sa.event.listen(store.engine, "connect", lambda *_: opened.append(1))
    for _ in range(5):
        asyncio.run(store.create("c", {"reasons": []}, "orders", "normal"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: a commit survives a power cut
    assert len(opened) <= 1  # not one connection (and one checkpoint) per transaction


async def test_transfers_of_one_conversation_at_once_open_one_session(store: SessionStore) -> None:
    opened = await asyncio.gather(*(store.open_once("c1", context("c1"), "general", "normal") for _ in range(6)))
    assert sum(1 for _, created in opened if created) == 1
    assert len({session.id for session, _ in opened}) == 1
    assert [s.conversation_id for s in await store.list()] == ["c1"]
    first = opened[0][0]
    await store.close(first.id, RESOLVED)
    again, created = await store.open_once("c1", context("c1"), "general", "normal")
    assert created and again.id != first.id  # a closed session does not count: the next transfer opens one
    other, created = await store.open_once("c2", context("c2"), "general", "normal")
    assert created and other.conversation_id == "c2"
