from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
import yaml

from actions.booking_store import BookingStore
from handoff.__main__ import main
from handoff.audit import AuditLog
from handoff.errors import ConfigError
from handoff.retention.config import Retention
from handoff.retention.eraser import from_env
from handoff.service.store import RESOLVED, SessionStore
from tests.conftest import require
from tests.handoff.test_session_store import POSTGRES, postgres_up

NOW = datetime.now(timezone.utc)
# Rasa's SQL tracker store's table, as rasa.core.tracker_store.SQLTrackerStore makes it
events = sa.Table("events", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                  sa.Column("sender_id", sa.String(255), nullable=False), sa.Column("type_name", sa.String(255)),
                  sa.Column("timestamp", sa.Float), sa.Column("intent_name", sa.String(255)),
                  sa.Column("action_name", sa.String(255)), sa.Column("data", sa.Text))


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """One database for the three stores: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'all.db'}"
        return
    require(postgres_up(), f"PostgreSQL is not reachable at {POSTGRES}")
    schema = f"test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES, future=True)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def say(engine: sa.engine.Engine, sender: str, text: str, when: datetime) -> None:
    data = {"event": "user", "text": text, "timestamp": when.timestamp(), "parse_data": {}}
    with engine.begin() as connection:
        connection.execute(events.insert().values(sender_id=sender, type_name="user", timestamp=when.timestamp(),
                                                  data=json.dumps(data)))


async def stores(url: str, tmp_path: Path) -> dict:
    engine = sa.create_engine(url, future=True)
    events.metadata.create_all(engine)
    sessions = SessionStore.from_url(url)
    bookings = BookingStore.from_url(url)
    say(engine, "ann", "track order 10001 for ann@example.com", NOW)
    say(engine, "ann", "thanks", NOW)
    say(engine, "bob", "hi", NOW)
    say(engine, "old", "hello from long ago", NOW - timedelta(days=100))
    ann = await sessions.create("ann", {"conversation_id": "ann", "customer": {"email": "ann@example.com"}},
                                "orders", "normal")
    await sessions.add_message(ann.id, "customer", "my other address is Ann.Two@example.com")
    bob = await sessions.create("bob", {"conversation_id": "bob"}, "orders", "normal")
    await sessions.add_message(bob.id, "customer", "hello")
    bookings.book("ann", "store_visit", NOW + timedelta(days=3))
    bookings.book("bob", "store_visit", NOW + timedelta(days=4))
    bookings.book("old", "store_visit", NOW - timedelta(days=800))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "url": "${TRACKER_URL}"}}))
    env = {"TRACKER_URL": url, "HANDOFF_DB_URL": url, "BOOKING_DB_URL": url}
    return {"engine": engine, "sessions": sessions, "ann": ann, "bob": bob, "endpoints": endpoints, "env": env}


def senders(engine: sa.engine.Engine) -> list:
    with engine.connect() as connection:
        return sorted({row.sender_id for row in connection.execute(sa.select(events.c.sender_id))})


def customers(engine: sa.engine.Engine) -> list:
    with engine.connect() as connection:
        return sorted(row[0] for row in connection.execute(sa.text("SELECT customer FROM bookings")))


async def test_a_conversation_is_erased_from_every_store(url: str, tmp_path: Path) -> None:
    s = await stores(url, tmp_path)
    outcome = from_env(s["env"], s["endpoints"]).erase(["ann"])
    assert outcome.deleted == {"tracker_events": 2, "handoff_sessions": 1, "bookings": 1} and not outcome.skipped
    assert senders(s["engine"]) == ["bob", "old"] and customers(s["engine"]) == ["bob", "old"]
    assert [x.conversation_id for x in await s["sessions"].list()] == ["bob"]
    assert [m.text for m in await s["sessions"].messages(s["bob"].id)] == ["hello"]


async def test_an_address_finds_its_conversations(url: str, tmp_path: Path) -> None:
    s = await stores(url, tmp_path)
    eraser = from_env(s["env"], s["endpoints"])
    assert eraser.conversations_with("ANN@example.com") == {"ann"}
    assert eraser.conversations_with("ann.two@example.com") == {"ann"}  # written to an agent
    assert eraser.conversations_with("a_n%@example.com") == set()  # LIKE's wildcards are taken literally
    assert eraser.erase_email("ann@example.com").conversations == 1 and senders(s["engine"]) == ["bob", "old"]


async def test_retention_deletes_what_is_older_than_each_store_keeps(url: str, tmp_path: Path) -> None:
    s = await stores(url, tmp_path)
    closed = await s["sessions"].close(s["bob"].id, RESOLVED)
    with s["engine"].begin() as connection:  # closed 400 days ago
        connection.execute(sa.text("UPDATE handoff_sessions SET closed_at = :t WHERE id = :id"),
                           {"t": NOW - timedelta(days=400), "id": closed.id})
    outcome = from_env(s["env"], s["endpoints"]).expire(Retention(conversations=90, handoff_sessions=365,
                                                                  bookings=730))
    assert outcome.deleted == {"tracker_events": 1, "handoff_sessions": 1, "bookings": 1}
    assert senders(s["engine"]) == ["ann", "bob"] and customers(s["engine"]) == ["ann", "bob"]
    assert [x.id for x in await s["sessions"].list()] == [s["ann"].id]  # open: kept whatever its age
    kept = from_env(s["env"], s["endpoints"]).expire(Retention())  # 0 days: nothing goes
    assert kept.deleted == {}


def test_the_command_erases_and_leaves_an_audit_entry_without_the_data(
        url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    s = asyncio.run(stores(url, tmp_path))
    for key, value in s["env"].items():
        monkeypatch.setenv(key, value)
    assert main(["erase", "--email", "ann@example.com", "--endpoints", str(s["endpoints"])]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["deleted"] == {"tracker_events": 2, "handoff_sessions": 1, "bookings": 1}
    entries = asyncio.run(AuditLog.from_url(url).entries(kind="erasure"))
    assert [e.seq for e in entries] == [report["audit_seq"]] and entries[0].actor == "cli"
    assert "ann" not in json.dumps(entries[0].as_dict()).replace(entries[0].subject, "")
    assert main(["audit", "verify", "--database-url", url]) == 0


def test_retention_settings_are_validated() -> None:
    assert Retention.from_dict({"conversations": 30}).active and not Retention.from_dict(None).active
    with pytest.raises(ConfigError, match="'retention.audit' is not a store"):
        Retention.from_dict({"audit": 10})
    with pytest.raises(ConfigError, match="'retention.bookings' is -1"):
        Retention.from_dict({"bookings": -1})
