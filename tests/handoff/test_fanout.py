"""Several handoff service instances on one PostgreSQL database: a change made through
one instance's store reaches the others' agents (LISTEN/NOTIFY)."""
from __future__ import annotations

import asyncio
import uuid
from typing import AsyncIterator, List, Tuple

import pytest
import sqlalchemy as sa

from handoff.service.fanout import Fanout
from handoff.service.store import SessionStore
from tests.conftest import require
from tests.handoff.test_session_store import POSTGRES, context, postgres_schema, postgres_up


@pytest.fixture
async def two_instances() -> AsyncIterator[Tuple[SessionStore, SessionStore]]:
    with postgres_schema() as engine:
        yield SessionStore(engine), SessionStore(engine)


async def test_changes_through_one_instance_reach_the_others(two_instances: Tuple[SessionStore, SessionStore]) -> None:
    first, second = two_instances
    assert first.shared and second.shared
    received: asyncio.Queue = asyncio.Queue()
    own: List[Tuple[str, object]] = []

    async def at_second(kind: str, item: object) -> None:
        await received.put((kind, item))

    async def at_first(kind: str, item: object) -> None:
        own.append((kind, item))

    fanouts = [Fanout(first, at_first), Fanout(second, at_second)]
    first.subscribe(fanouts[0].announce)
    second.subscribe(fanouts[1].announce)
    tasks = [asyncio.create_task(f.run()) for f in fanouts]
    try:
        await asyncio.sleep(1.0)  # both listening
        session = await first.create("c1", context("c1"), "general", "normal")
        kind, item = await asyncio.wait_for(received.get(), 10)
        assert (kind, item.id, item.status) == ("session", session.id, "queued")
        message = await first.add_message(session.id, "customer", "still there?")
        kind, item = await asyncio.wait_for(received.get(), 10)
        assert (kind, item.seq, item.text) == ("message", message.seq, "still there?")
        await second.accept(session.id, "sam")  # and the other way round
        for _ in range(100):
            if own:
                break
            await asyncio.sleep(0.1)
        assert [(k, i.status) for k, i in own] == [("session", "assigned")]
        assert received.empty()  # an instance does not hear its own changes back
    finally:
        for fanout, task in zip(fanouts, tasks):
            fanout.stop()
            task.cancel()


async def test_one_instance_consumes_at_a_time_and_another_takes_over() -> None:
    from handoff.service.leader import Leadership, lock_key

    require(postgres_up(), f"PostgreSQL is not reachable at {POSTGRES}")
    engine = sa.create_engine(POSTGRES, future=True)
    key = lock_key(f"test-{uuid.uuid4().hex}")
    first, second = Leadership(engine, "first", key), Leadership(engine, "second", key)
    try:
        assert await first.check() and await first.check()  # and keeps it
        assert not await second.check()
        await first.release()  # the first instance stops (or its connection dies)
        assert await second.check() and not await first.check()

        started, stopped = [], []

        async def start() -> str:
            started.append("consumer")
            return "consumer"

        async def stop(handle: str) -> None:
            stopped.append(handle)

        await second.release()
        task = asyncio.create_task(first.run(start, stop, every=0.1))
        for _ in range(50):
            if started:
                break
            await asyncio.sleep(0.1)
        assert started == ["consumer"] and not await second.check()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert stopped == ["consumer"] and await second.check()  # cancelled: it let go
    finally:
        await first.release()
        await second.release()
        engine.dispose()
