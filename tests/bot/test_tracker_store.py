"""The lean SQL tracker store stores and publishes exactly what Rasa's SQLTrackerStore
does, reading the conversation once per save; endpoints.yml really loads it."""
from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.utils.endpoints import read_endpoint_config

from bot.tracker_store import LeanSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]


class Recorder(EventBroker):
    def __init__(self) -> None:
        self.published: List[Dict[str, Any]] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.published.append(event)


def domain() -> Domain:
    return Domain.from_dict({"intents": ["greet"], "slots": {"name": {"type": "text", "mappings": []}}})


def conversation(store: TrackerStore, sender: str) -> None:
    """Three turns, saved after each as Rasa's processor does, then a new session."""
    turns = [
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        [UserUttered("hi", {"name": "greet", "confidence": 1.0}), BotUttered("Hello!"),
         ActionExecuted("action_listen")],
        [UserUttered("I'm Ann"), SlotSet("name", "Ann"), BotUttered("Hi Ann"), ActionExecuted("action_listen")],
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        [UserUttered("still there?"), BotUttered("Yes."), ActionExecuted("action_listen")],
    ]
    for events in turns:
        tracker = asyncio.run(store.get_or_create_tracker(sender, append_action_listen=False))
        for event in events:
            tracker.update(event)
        asyncio.run(store.save(tracker))


def rows(path: Path) -> List[tuple]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events ORDER BY id").fetchall()


def test_same_rows_and_same_published_events_as_rasas_own_store(tmp_path: Path) -> None:
    lean_broker, rasa_broker = Recorder(), Recorder()
    lean = LeanSQLTrackerStore(domain(), db=str(tmp_path / "lean.db"), event_broker=lean_broker)
    rasa = SQLTrackerStore(domain(), db=str(tmp_path / "rasa.db"), event_broker=rasa_broker)
    import rasa.shared.core.events as events_module

    original = events_module.time.time
    try:
        for store in (lean, rasa):
            timestamps = iter(float(i) for i in range(1000))
            events_module.time.time = lambda: next(timestamps)  # the same timestamps in both runs
            conversation(store, "ann")
    finally:
        events_module.time.time = original
    assert rows(tmp_path / "lean.db") == rows(tmp_path / "rasa.db")
    assert len(rows(tmp_path / "lean.db")) == 16
    assert lean_broker.published == rasa_broker.published
    assert [e["event"] for e in lean_broker.published].count("user") == 3
    kept, expected = asyncio.run(lean.retrieve("ann")), asyncio.run(rasa.retrieve("ann"))
    assert [e.as_dict() for e in kept.events] == [e.as_dict() for e in expected.events]
    assert kept.latest_message.text == "still there?"


def test_each_save_reads_the_conversation_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LeanSQLTrackerStore(domain(), db=str(tmp_path / "lean.db"), event_broker=Recorder())
    reads: List[str] = []
    retrieve = store.retrieve

    async def counted(sender: str) -> Any:
        reads.append(sender)
        return await retrieve(sender)

    monkeypatch.setattr(store, "retrieve", counted)
    conversation(store, "bo")
    assert len(reads) == 5  # one per turn, by get_or_create_tracker; none by save


def test_sqlite_uses_write_ahead_logging(tmp_path: Path) -> None:
    store = LeanSQLTrackerStore(domain(), db=str(tmp_path / "lean.db"))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_endpoints_yml_loads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ACTIONS_URL", "ACTIONS_TOKEN", "HANDOFF_URL"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    (tmp_path / "var").mkdir()
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, domain())
    inner = getattr(store, "_tracker_store", store)  # Rasa wraps it in its FailSafeTrackerStore
    assert type(inner) is LeanSQLTrackerStore


def test_sqlite_keeps_its_connection_between_messages(tmp_path: Path) -> None:
    """Closing the last connection to a WAL database checkpoints it: not once per message."""
    import sqlalchemy as sa

    store = LeanSQLTrackerStore(domain(), db=str(tmp_path / "lean.db"))
    opened: List[int] = []
    sa.event.listen(store.engine, "connect", lambda *_: opened.append(1))
    conversation(store, "cy")
    assert len(opened) <= 1
