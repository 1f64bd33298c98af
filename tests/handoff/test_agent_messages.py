"""An agent's message reaches the customer at most once and its status tells the truth,
with a stand-in for Rasa that can answer, refuse, or take the message without answering."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import pytest

from handoff.errors import DeliveryUnknown, MessageIdTaken, RasaUnavailable
from handoff.relay.agent_messages import send_once
from handoff.relay.reconcile import Reconciler
from handoff.service.store import ACTIVE, DELIVERED, FAILED, SENDING, SessionStore


class Rasa:
    """Keeps the bot events it took; `mode` is ok, down (never reached) or slow (takes it, no answer)."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.said: List[str] = []
        self.paused_now = True

    async def send_agent_message(self, conversation_id: str, text: str, agent: str,
                                 message_id: Optional[str] = None, shown_as: Optional[str] = None) -> None:
        if self.mode == "down":
            raise RasaUnavailable("http://rasa", "could not be reached")
        self.said.append(message_id or "")
        if self.mode == "slow":
            raise DeliveryUnknown("http://rasa", "did not answer")

    async def delivered(self, conversation_id: str, message_id: str) -> bool:
        if self.mode == "down":
            raise RasaUnavailable("http://rasa", "could not be reached")
        return message_id in self.said

    async def paused(self, conversation_id: str) -> bool:
        return self.paused_now


@pytest.fixture
async def desk(tmp_path: Path):
    store = SessionStore.from_url(f"sqlite:///{tmp_path / 'h.db'}")
    session = await store.create("c1", {"conversation_id": "c1"}, "general", "normal")
    return store, await store.accept(session.id, "sam", 3), Rasa()


async def test_delivered_once_and_the_session_becomes_active(desk) -> None:
    store, session, rasa = desk
    message = await send_once(store, rasa, session, "Hi", "sam", "m1", settle=60)
    again = await send_once(store, rasa, session, "Hi", "sam", "m1", settle=60)  # the console retried
    assert message.status == again.status == DELIVERED and rasa.said == ["m1"]
    assert (await store.get(session.id)).status == ACTIVE


async def test_no_answer_in_time_is_never_sent_twice(desk) -> None:
    store, session, rasa = desk
    rasa.mode = "slow"  # Rasa took it but answered too late
    first = await send_once(store, rasa, session, "Hi", "sam", "m1", settle=60)
    assert first.status == SENDING
    rasa.mode = "ok"
    retried = await send_once(store, rasa, session, "Hi", "sam", "m1", settle=60)
    assert retried.status == DELIVERED and rasa.said == ["m1"]


async def test_failed_means_the_customer_did_not_get_it_and_a_retry_sends_it(desk) -> None:
    store, session, rasa = desk
    rasa.mode = "down"
    with pytest.raises(RasaUnavailable):
        await send_once(store, rasa, session, "Hi", "sam", "m1", settle=60)
    assert (await store.keyed(session.id, "m1")).status == FAILED and rasa.said == []
    rasa.mode = "ok"
    assert (await send_once(store, rasa, session, "Hi", "sam", "m1", settle=60)).status == DELIVERED
    assert rasa.said == ["m1"]


async def test_reconciliation_settles_unknown_deliveries(desk) -> None:
    store, session, rasa = desk
    rasa.mode = "slow"
    await send_once(store, rasa, session, "arrived", "sam", "m1", settle=0)
    rasa.said.clear()
    rasa.mode = "slow"
    await send_once(store, rasa, session, "lost", "sam", "m2", settle=0)
    rasa.said = ["m1"]  # only the first one is in the tracker
    rasa.mode = "ok"
    repaired = await Reconciler(store, rasa, settle_seconds=0).run_once()
    states = {m.key: m.status for m in await store.messages(session.id) if m.sender == "agent"}
    assert states == {"m1": DELIVERED, "m2": FAILED} and len(repaired) == 2
    notes = [m.text for m in await store.messages(session.id) if m.sender == "system"]
    assert any("message m2 was failed" in note for note in notes)


async def test_an_id_given_again_with_another_text_is_a_conflict_and_nothing_is_sent(desk) -> None:
    store, session, rasa = desk
    await send_once(store, rasa, session, "Hi", "sam", "m1", settle=60)
    with pytest.raises(MessageIdTaken, match="another message's"):
        await send_once(store, rasa, session, "Something else", "sam", "m1", settle=60)
    assert rasa.said == ["m1"]
