"""The desk (connector) is told of a customer's message once per event id, and again when
the try that stored it stopped before telling; on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any, List

import pytest

from handoff.connectors.console import ConsoleConnector
from handoff.errors import ConnectorUnavailable, RelayBusy
from handoff.privacy.policy import DEFAULTS, PrivacyPolicy
from handoff.relay.backlog import Backlog
from handoff.relay.connector_notice import FAILED, TELLING, TOLD, ConnectorNotice
from handoff.service.desk import relay_customer_event
from handoff.service.store import SessionStore, messages
from tests.handoff.test_session_store import store  # noqa: F401  (the SQLite/PostgreSQL fixture)


class Desk(ConsoleConnector):
    """Records what it was told; can fail, or hang like a desk that never answers."""

    def __init__(self) -> None:
        self.told: List[str] = []
        self.failing = False
        self.hang = asyncio.Event()
        self.hang.set()

    async def customer_wrote(self, session: Any, message: Any) -> None:
        await self.hang.wait()
        if self.failing:
            raise ConnectorUnavailable("test desk", "answered 500")
        self.told.append(message.key)


async def _nothing(*_: Any, **__: Any) -> None:
    return None


async def desk_app(store: SessionStore, desk: Desk) -> SimpleNamespace:
    settings = SimpleNamespace(leave_intents=(), leave_confidence=1.0)
    return SimpleNamespace(ctx=SimpleNamespace(store=store, privacy=PrivacyPolicy.from_dict(DEFAULTS), connector=desk,
                                               backlog=Backlog(_nothing), settings=settings),
                           add_task=lambda coroutine: coroutine.close())


async def customer_event(store: SessionStore, key: str) -> dict:
    session = await store.open_for("notice-1") or await store.create("notice-1", {"conversation_id": "notice-1"},
                                                                     "general", "normal")
    return {"event": "user", "sender_id": "notice-1", "text": f"text of {key}",
            "timestamp": session.created_at.timestamp() + 1, "handoff_event_id": key}


async def told_state(store: SessionStore, key: str) -> Any:
    return await store.read(lambda c: c.execute(messages.select().where(messages.c.msg_key == key)).first())


async def test_a_redelivery_after_the_desk_was_told_tells_it_nothing(store: SessionStore) -> None:  # noqa: F811
    desk = Desk()
    app, event = await desk_app(store, desk), await customer_event(store, "e-1")
    assert (await relay_customer_event(app, event))[1] is True
    assert (await relay_customer_event(app, event))[1] is False
    assert desk.told == ["e-1"] and (await told_state(store, "e-1")).told == TOLD


async def test_a_try_that_stopped_before_telling_is_told_by_the_redelivery(store: SessionStore) -> None:  # noqa: F811
    desk = Desk()
    app, event = await desk_app(store, desk), await customer_event(store, "e-2")
    desk.hang.clear()  # the first try stores the message, claims it and never gets an answer from the desk
    first = asyncio.ensure_future(relay_customer_event(app, event))
    while (row := await told_state(store, "e-2")) is None or row.told != TELLING:
        await asyncio.sleep(0.01)
    with pytest.raises(RelayBusy):  # meanwhile a redelivery waits rather than hear "taken"
        await relay_customer_event(app, event)
    first.cancel()  # ...then that try's process stops
    desk.hang.set()
    # the next run of the service (another run's claim) or, on a shared database, past the lease
    await store.write(lambda c: c.execute(messages.update().where(messages.c.msg_key == "e-2")
                                          .values(told_by="a-run-that-was-stopped")))
    if store.shared:
        with pytest.raises(RelayBusy):  # another instance may still be telling it: wait for the lease
            await relay_customer_event(app, event)
        message = await store.keyed(row.session_id, "e-2")
        await ConnectorNotice(store, lease=0.0).tell_once(message, False, lambda: _tell(desk, "e-2"))
    else:
        assert (await relay_customer_event(app, event))[1] is False  # not stored twice...
    assert desk.told == ["e-2"]  # ...and the desk told once
    assert (await told_state(store, "e-2")).told == TOLD
    assert [m.key for m in await store.messages(row.session_id) if m.sender == "customer"] == ["e-2"]


async def _tell(desk: Desk, key: str) -> bool:
    desk.told.append(key)
    return True


async def test_a_desk_that_failed_is_noted_and_not_told_again(store: SessionStore) -> None:  # noqa: F811
    desk = Desk()
    desk.failing = True
    app, event = await desk_app(store, desk), await customer_event(store, "e-3")
    message, _ = await relay_customer_event(app, event)
    desk.failing = False
    await relay_customer_event(app, event)
    assert desk.told == [] and (await told_state(store, "e-3")).told == FAILED
    notes = [m.text for m in await store.messages(message.session_id) if m.sender == "system"]
    assert notes == ["the test desk connector failed: answered 500; check its URL and credentials"]
