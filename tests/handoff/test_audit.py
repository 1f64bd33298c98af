from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from handoff.__main__ import main
from handoff.audit import GENESIS, AuditLog
from handoff.audit.chain import link
from handoff.errors import BadRequest
from tests.handoff.test_session_store import POSTGRES, postgres_up
from tests.conftest import require


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL of its own: a SQLite file, or a fresh PostgreSQL schema (search_path)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'audit.db'}"
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


async def filled(url: str, count: int = 5) -> AuditLog:
    log = AuditLog.from_url(url)
    for i in range(count):
        await log.record(f"agent{i % 2}", "note", f"session-{i}", {"message": i}, "127.0.0.1")
    return log


async def test_entries_chain_by_hash_and_filter(url: str) -> None:
    log = await filled(url)
    found = await log.entries()
    assert [e.seq for e in found] == [1, 2, 3, 4, 5] and found[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash == link(a.prev_hash, a.canonical()) for a, b in zip(found, found[1:]))
    assert [e.seq for e in await log.entries(actor="agent1")] == [2, 4]
    assert await log.entries(kind="close") == [] and len(await log.entries(since=found[2].at)) == 3
    assert log.verify_now().ok and log.verify_now().checked == 5
    assert main(["audit", "verify", "--database-url", url]) == 0


async def test_a_changed_row_is_named(url: str, capsys: pytest.CaptureFixture) -> None:
    log = await filled(url)
    with log.engine.begin() as connection:
        connection.execute(sa.text("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3"))
    assert main(["audit", "verify", "--database-url", url]) == 1
    assert "BROKEN at entry 3: its content does not match its hash" in capsys.readouterr().err


async def test_a_rehashed_row_breaks_the_next_link(url: str, capsys: pytest.CaptureFixture) -> None:
    log = await filled(url)
    entry = (await log.entries())[1]
    forged = entry.__class__(**{**entry.__dict__, "detail": {"message": 99}})
    with log.engine.begin() as connection:  # the forger recomputes this entry's hash, not the chain after it
        connection.execute(sa.text("UPDATE audit_log SET detail = :d, hash = :h WHERE seq = 2"),
                           {"d": '{"message": 99}', "h": link(forged.prev_hash, forged.canonical())})
    assert main(["audit", "verify", "--database-url", url]) == 1
    assert "BROKEN at entry 3: its prev_hash is not the previous entry's hash" in capsys.readouterr().err


async def test_a_deleted_row_is_named(url: str, capsys: pytest.CaptureFixture) -> None:
    log = await filled(url)
    with log.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_log WHERE seq = 2"))
    assert main(["audit", "verify", "--database-url", url]) == 1
    assert "BROKEN at entry 2: entry 2 is missing" in capsys.readouterr().err


async def test_concurrent_appends_from_two_instances_keep_one_chain(url: str) -> None:
    first, second = AuditLog.from_url(url), AuditLog.from_url(url)
    await asyncio.gather(*(log.record("a", "accept", f"s{i}") for i in range(15) for log in (first, second)))
    entries = await first.entries()
    assert len(entries) == 30 and [e.seq for e in entries] == list(range(1, 31))
    assert first.verify_now().ok


async def test_details_hold_no_personal_data_and_kinds_are_names(tmp_path: Path) -> None:
    log = AuditLog.from_url(f"sqlite:///{tmp_path / 'a.db'}")
    entry = await log.record("cli", "erasure", "request-1", {"why": "asked by bob@example.com",
                                                             "card": "4111 1111 1111 1111", "n": [1, None]})
    assert entry.detail == {"why": "asked by [REDACTED:email]", "card": "[REDACTED:card_number]", "n": [1, None]}
    with pytest.raises(BadRequest, match="audit kind 'Drop Table'"):
        await log.record("cli", "Drop Table", "x")


def test_an_unreadable_database_is_an_error_not_a_verdict(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["audit", "verify", "--database-url", "postgresql://nobody@127.0.0.1:1/none"]) == 2
    assert "cannot be read" in capsys.readouterr().err


async def test_a_noted_head_finds_entries_removed_from_the_end(url: str, capsys: pytest.CaptureFixture) -> None:
    log = await filled(url)
    assert main(["audit", "verify", "--database-url", url]) == 0
    head = capsys.readouterr().out.strip().rsplit("head ", 1)[1]
    assert head.startswith("5:")
    with log.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_log WHERE seq >= 4"))
    assert main(["audit", "verify", "--database-url", url]) == 0  # whole, only shorter
    assert main(["audit", "verify", "--database-url", url, "--expect", head]) == 1
    assert "BROKEN at entry 5: it was noted as the head and is gone" in capsys.readouterr().err
    assert main(["audit", "verify", "--database-url", url, "--expect", "5:abc"]) == 2
