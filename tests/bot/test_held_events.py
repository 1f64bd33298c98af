"""The lean tracker store and our broker together: a save's events are delivered only once
committed, dropped when the save fails, and what a stopped Rasa left held is settled
against the tracker when the store is made again."""
from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.events import ActionExecuted, ConversationPaused, UserUttered

from bot.tracker_store import LeanSQLTrackerStore
from handoff.broker import HandoffEventBroker
from handoff.relay.outbox import Outbox
from tests.bot.test_tracker_store import domain
from tests.servers import free_port


def broker(tmp_path: Path) -> HandoffEventBroker:
    return HandoffEventBroker(f"http://127.0.0.1:{free_port()}", "t", Outbox(tmp_path / "outbox.db"), timeout=1)


def outbox_rows(tmp_path: Path) -> List[tuple]:
    with sqlite3.connect(tmp_path / "outbox.db") as db:
        return db.execute("SELECT json_extract(body, '$.text'), held FROM outbox ORDER BY seq").fetchall()


def user_texts(tmp_path: Path, sender: str) -> List[str]:
    with sqlite3.connect(tmp_path / "tracker.db") as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
                          (sender,)).fetchall()
    return [json.loads(row[0])["text"] for row in rows]


def stop_lanes(relay: HandoffEventBroker) -> None:
    for lane in list(relay._lanes.values()):
        lane.cancel()


async def save(store: LeanSQLTrackerStore, sender: str, *events: object) -> None:
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


async def test_a_saved_message_is_delivered_and_a_failed_save_is_not(tmp_path: Path) -> None:
    relay = broker(tmp_path)
    store = LeanSQLTrackerStore(domain(), db=str(tmp_path / "tracker.db"), event_broker=relay)
    try:
        await save(store, "c1", ActionExecuted("action_listen"), UserUttered("kept"))
        assert outbox_rows(tmp_path) == [("kept", 0)]  # committed: on its way
        with pytest.raises(RuntimeError):
            with relay.holding():
                relay.publish({"event": "user", "sender_id": "c1", "text": "never saved", "timestamp": 2.0})
                assert outbox_rows(tmp_path)[-1] == ("never saved", 1)  # written, held
                raise RuntimeError("the commit failed")
        assert outbox_rows(tmp_path) == [("kept", 0)]
    finally:
        stop_lanes(relay)


async def test_what_a_stopped_rasa_held_is_settled_against_the_tracker(tmp_path: Path) -> None:
    first = broker(tmp_path)
    store = LeanSQLTrackerStore(domain(), db=str(tmp_path / "tracker.db"), event_broker=first)
    await save(store, "waiting", ActionExecuted("action_listen"), UserUttered("I want a person"),
               ConversationPaused())
    await save(store, "with-the-bot", ActionExecuted("action_listen"), UserUttered("hello"))
    stop_lanes(first)
    stored = UserUttered("saved, not released")
    await save(store, "waiting", stored)  # then Rasa stops: before the release...
    first.outbox.add("r1", "waiting", {"event": "user", "sender_id": "waiting", "text": "saved, not released",
                                       "timestamp": stored.timestamp}, held=True)
    for sender, text, at in (("waiting", "to the person", 1e9), ("with-the-bot", "to the bot", 1e9)):
        first.outbox.add(f"{sender}-held", sender, {"event": "user", "sender_id": sender, "text": text,
                                                    "timestamp": at, "parse_data": {"intent": {"name": "inform"}}},
                         held=True)  # ...or before the commit
    first.outbox.close()
    second = broker(tmp_path)
    try:
        LeanSQLTrackerStore(domain(), db=str(tmp_path / "tracker.db"), event_broker=second)  # Rasa starts again
        texts = [text for text, held in outbox_rows(tmp_path) if not held]
        assert "saved, not released" in texts and "to the person" in texts and "to the bot" not in texts
        assert not [row for row in outbox_rows(tmp_path) if row[1]]  # nothing stays held
        # once each: the saved one is not written again; the lost one is restored
        assert user_texts(tmp_path, "waiting") == ["I want a person", "saved, not released", "to the person"]
        assert user_texts(tmp_path, "with-the-bot") == ["hello"]
    finally:
        stop_lanes(second)
        await asyncio.sleep(0)
