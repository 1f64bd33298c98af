"""The reconciliation of Rasa's trackers (paused or not) with the sessions, with a
stand-in for Rasa: each kind of disagreement is repaired once and noted."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from handoff.relay.handback import last_word_key
from handoff.relay.reconcile import BOT_IS_BACK, Reconciler
from handoff.service.store import ACTIVE, DELIVERED, QUEUED, RESOLVED, RETURNED, SessionStore


class Rasa:
    def __init__(self) -> None:
        self.paused_now: Dict[str, bool] = {}
        self.released: List[tuple] = []
        self.pauses: List[str] = []
        self.handed_back: List[str] = []

    async def hand_back(self, conversation_id: str) -> None:
        self.handed_back.append(conversation_id)

    async def paused(self, conversation_id: str) -> bool:
        return self.paused_now.get(conversation_id, False)

    async def pause(self, conversation_id: str) -> None:
        self.pauses.append(conversation_id)
        self.paused_now[conversation_id] = True

    async def release(self, conversation_id: str, text: str, message_id: Optional[str] = None) -> None:
        self.released.append((conversation_id, text, message_id))
        self.paused_now[conversation_id] = False


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore.from_url(f"sqlite:///{tmp_path / 'h.db'}")


def later(seconds: float = 60) -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=seconds)


async def notes(store: SessionStore, session_id: str) -> List[str]:
    return [m.text for m in await store.messages(session_id) if m.sender == "system"]


async def test_an_active_session_whose_conversation_the_bot_has_is_closed(store: SessionStore) -> None:
    rasa = Rasa()
    session = await store.create("c1", {"conversation_id": "c1"}, "general", "normal")
    await store.accept(session.id, "sam")
    await store.activate(session.id)
    reconciler = Reconciler(store, rasa, settle_seconds=65)
    assert await reconciler.run_once() == []  # younger than the grace period: a fault may be finishing
    repaired = await reconciler.run_once(later())
    assert len(repaired) == 1 and (await store.get(session.id)).status == RETURNED
    assert (await notes(store, session.id))[-1].startswith("repaired: closed as returned")
    assert await reconciler.run_once(later()) == []  # once


async def test_a_session_left_as_a_message_and_accepted_is_paused_again(store: SessionStore) -> None:
    rasa = Rasa()
    session = await store.create("c2", {"conversation_id": "c2"}, "general", "normal")
    await store.leave_as_message(session.id)
    await store.accept(session.id, "sam")
    await Reconciler(store, rasa, settle_seconds=65).run_once(later())
    assert rasa.pauses == ["c2"] and (await store.get(session.id)).status != RETURNED


async def test_a_paused_conversation_without_an_open_session_gets_the_bot_back(store: SessionStore) -> None:
    rasa = Rasa()
    session = await store.create("c3", {"conversation_id": "c3"}, "general", "normal")
    await store.close(session.id, RESOLVED)
    rasa.paused_now["c3"] = True  # the resume of the close never reached Rasa
    waiting = await store.create("c4", {"conversation_id": "c4"}, "general", "normal")
    rasa.paused_now["c4"] = True  # a customer waiting for a person: as it should be
    reconciler = Reconciler(store, rasa, settle_seconds=65)
    repaired = await reconciler.run_once(later())
    assert rasa.released == [("c3", BOT_IS_BACK, f"reconcile-{session.id}")] and len(repaired) == 1
    assert "the bot has it again" in (await notes(store, session.id))[-1]
    assert (await store.get(waiting.id)).status == QUEUED and rasa.paused_now["c4"]
    assert await reconciler.run_once(later()) == []


async def test_nothing_to_repair_when_both_sides_agree(store: SessionStore) -> None:
    rasa = Rasa()
    session = await store.create("c5", {"conversation_id": "c5"}, "general", "normal")
    await store.accept(session.id, "sam")
    rasa.paused_now["c5"] = True
    assert await Reconciler(store, rasa, settle_seconds=65).run_once(later()) == []
    assert (await store.get(session.id)).status in (ACTIVE, "assigned")


@pytest.mark.parametrize("back, status", [(True, RETURNED), (False, RESOLVED)])
async def test_a_hand_back_or_close_stopped_half_way_is_finished_as_the_agent_meant(
        store: SessionStore, back: bool, status: str) -> None:
    rasa = Rasa()
    session = await store.create("c5", {"conversation_id": "c5"}, "general", "normal")
    await store.accept(session.id, "sam")
    # the last word was sent and the conversation resumed; then the service stopped
    await store.add_once(session.id, "agent", "bye", last_word_key(session.id, back), "sam", DELIVERED)
    repaired = await Reconciler(store, rasa, settle_seconds=65).run_once(later())
    assert (await store.get(session.id)).status == status and len(repaired) == 1
    assert rasa.handed_back == (["c5"] if back else [])  # the closing prompt, if still due, is Rasa's to give
