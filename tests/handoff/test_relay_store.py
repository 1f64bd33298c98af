"""The session store's part of the relay, on SQLite and PostgreSQL: capacity and the
accept race decided in the database, messages stored once per id, delivery states."""
from __future__ import annotations

import asyncio

from handoff.errors import CapacityReached, SessionConflict
from handoff.service.store import DELIVERED, FAILED, SENDING, SessionStore
from tests.handoff.test_session_store import store  # noqa: F401  (the SQLite/PostgreSQL fixture)


async def queued(store: SessionStore, n: int) -> list:
    return [await store.create(f"cap-{i}", {"conversation_id": f"cap-{i}"}, "general", "normal") for i in range(n)]


async def test_concurrent_accepts_never_exceed_capacity(store: SessionStore) -> None:  # noqa: F811
    sessions = await queued(store, 10)
    results = await asyncio.gather(*(store.accept(s.id, "sam", capacity=3) for s in sessions),
                                   return_exceptions=True)
    won = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, CapacityReached)]
    assert len(won) == 3 and len(refused) == 7, results
    assert await store.open_count("sam") == 3
    assert "sam has 3 open chats and the limit is 3" in str(refused[0])


async def test_the_loser_of_an_accept_race_is_told_who_won(store: SessionStore) -> None:  # noqa: F811
    (session,) = await queued(store, 1)
    results = await asyncio.gather(store.accept(session.id, "sam", 3), store.accept(session.id, "kim", 3),
                                   return_exceptions=True)
    (winner,) = [r for r in results if not isinstance(r, Exception)]
    (loser,) = [r for r in results if isinstance(r, Exception)]
    assert isinstance(loser, SessionConflict) and f"already accepted by {winner.agent}" in str(loser)


async def test_a_transfer_to_a_named_agent_is_theirs_to_accept(store: SessionStore) -> None:  # noqa: F811
    (session,) = await queued(store, 1)
    await store.accept(session.id, "sam", 3)
    await store.transfer(session.id, agent="kim")
    try:
        await store.accept(session.id, "lee", 3)
        raise AssertionError("lee accepted a session transferred to kim")
    except SessionConflict as exc:
        assert "waiting for kim" in str(exc)
    assert (await store.accept(session.id, "kim", 3)).agent == "kim"


async def test_a_message_is_stored_once_per_id(store: SessionStore) -> None:  # noqa: F811
    (session,) = await queued(store, 1)
    results = await asyncio.gather(*(store.add_once(session.id, "customer", "hello", "event-1") for _ in range(5)))
    assert sum(new for _, new in results) == 1 and len({m.seq for m, _ in results}) == 1
    second, new = await store.add_once(session.id, "customer", "again", "event-2")
    assert new and [m.text for m in await store.messages(session.id)] == ["hello", "again"]


async def test_delivery_states_move_only_forward_from_sending(store: SessionStore) -> None:  # noqa: F811
    (session,) = await queued(store, 1)
    message, _ = await store.add_once(session.id, "agent", "Hi", "m-1", "sam", SENDING)
    assert [m.key for m in await store.undelivered()] == ["m-1"]
    assert (await store.mark(message.seq, DELIVERED)).status == DELIVERED
    assert await store.mark(message.seq, FAILED, only_from=(SENDING,)) is None  # delivered stays delivered
    assert (await store.message(message.seq)).as_dict()["status"] == DELIVERED


async def test_a_message_arriving_after_the_close_is_kept_with_a_note(tmp_path) -> None:
    from types import SimpleNamespace

    from handoff.privacy.policy import DEFAULTS, PrivacyPolicy
    from handoff.service.desk import relay_customer_event
    from handoff.service.store import RESOLVED

    store = SessionStore.from_url(f"sqlite:///{tmp_path / 'late.db'}")
    session = await store.create("late-1", {"conversation_id": "late-1"}, "general", "normal")
    written = session.created_at.timestamp() + 0.001  # written while the chat was open...
    closed = await store.close(session.id, RESOLVED)   # ...and the agent closed before it arrived
    app = SimpleNamespace(ctx=SimpleNamespace(store=store, privacy=PrivacyPolicy.from_dict(DEFAULTS)))
    event = {"event": "user", "sender_id": "late-1", "text": "one more thing, card 4111 1111 1111 1111", "timestamp": written,
             "handoff_event_id": "late-event"}
    message, new = await relay_customer_event(app, event)
    assert new and message.session_id == session.id
    assert message.text == "one more thing, card [REDACTED:card_number]"
    assert (await relay_customer_event(app, event))[1] is False  # once
    texts = [(m.sender, m.text) for m in await store.messages(session.id)]
    assert texts[0] == ("customer", "one more thing, card [REDACTED:card_number]") and "arrived after it" in texts[1][1]
    after = {**event, "timestamp": closed.closed_at.timestamp() + 5, "handoff_event_id": "later"}
    assert await relay_customer_event(app, after) == (None, False)  # written to the bot, not to the desk
