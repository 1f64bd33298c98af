"""The audit log's table, on the session store's engine (SQLite or PostgreSQL), with its
own metadata. Appends are serialised: on PostgreSQL under a transaction-level advisory
lock, so several service instances extend one chain; everywhere the seq is the primary
key, so two appends that read the same last entry cannot both be written (the second
retries). The table is only ever inserted into by this module: no update, no delete.
SQLAlchemy runs in a worker thread: nothing here blocks the event loop."""
from __future__ import annotations

import asyncio
import json
import re
from datetime import datetime, timezone
from typing import Any, Callable, List, Mapping, Optional, Tuple, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from handoff.audit.chain import GENESIS, AuditEntry, Verdict, link, stamp, verify
from handoff.db import create_engine, in_transaction
from handoff.errors import BadRequest
from handoff.privacy.redactor import Redactor

T = TypeVar("T")
LOCK_KEY = 0x48414E44  # pg_advisory_xact_lock key of the audit chain ("HAND")
KIND = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
metadata = sa.MetaData()
entries = sa.Table(
    "audit_log", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False),
    sa.Column("at", sa.String(32), nullable=False, index=True),  # chain.stamp(): UTC, sortable as text
    sa.Column("actor", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(64), nullable=False, index=True),
    sa.Column("subject", sa.String(255), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)


def _entry(row: Any) -> AuditEntry:
    at = datetime.strptime(row.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return AuditEntry(seq=row.seq, at=at, actor=row.actor, kind=row.kind, subject=row.subject,
                      detail=json.loads(row.detail), source=row.source, prev_hash=row.prev_hash, hash=row.hash)


class AuditLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._scrub = Redactor()  # every kind: an audit entry holds no personal data

    @classmethod
    def on(cls, engine: Engine) -> AuditLog:
        metadata.create_all(engine)
        return cls(engine)

    @classmethod
    def from_url(cls, url: str) -> AuditLog:
        return cls.on(create_engine(url, future=True, pool_pre_ping=True))

    async def _run(self, work: Callable[[Connection], T]) -> T:
        return await in_transaction(self.engine, work)

    async def record(self, actor: str, kind: str, subject: str, detail: Optional[Mapping] = None,
                     source: str = "") -> AuditEntry:
        """Append one entry to the chain and return it."""
        if not KIND.match(kind or ""):
            raise BadRequest(f"audit kind '{kind}' must be a lowercase name (letters, digits, _ . -)")
        clean = self._clean(dict(detail or {}))
        for attempt in range(50):
            try:
                return await self._run(lambda c: self._append(c, actor, kind, subject, clean, source))
            except (sa.exc.IntegrityError, sa.exc.OperationalError) as exc:
                if isinstance(exc, sa.exc.OperationalError) and "locked" not in str(exc) or attempt == 49:
                    raise
                await asyncio.sleep(0.005 * (attempt + 1))  # another writer took this seq: read the head again
        raise AssertionError("unreachable: the last try returns or raises")

    def _append(self, connection: Connection, actor: str, kind: str, subject: str, detail: dict,
                source: str) -> AuditEntry:
        if self.engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        head = connection.execute(sa.select(entries.c.seq, entries.c.hash).order_by(entries.c.seq.desc())
                                  .limit(1)).first()
        seq, prev = (head.seq + 1, head.hash) if head else (1, GENESIS)
        entry = AuditEntry(seq, datetime.now(timezone.utc), str(actor)[:64], kind, str(subject)[:255], detail,
                           str(source)[:64], prev)
        entry = AuditEntry(**{**entry.__dict__, "hash": link(prev, entry.canonical())})
        connection.execute(entries.insert().values(
            seq=entry.seq, at=stamp(entry.at), actor=entry.actor, kind=kind, subject=entry.subject,
            detail=json.dumps(detail, sort_keys=True), source=entry.source, prev_hash=prev, hash=entry.hash))
        return entry

    def _clean(self, value: Any) -> Any:
        """JSON values only, every string redacted of personal data."""
        if isinstance(value, Mapping):
            return {str(k): self._clean(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._clean(v) for v in value]
        if isinstance(value, str):
            return self._scrub(value)
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return self._scrub(str(value))

    async def entries(self, since: Optional[datetime] = None, until: Optional[datetime] = None,
                      kind: Optional[str] = None, actor: Optional[str] = None, limit: int = 10_000) -> List[AuditEntry]:
        query = sa.select(entries)
        if since is not None:
            query = query.where(entries.c.at >= stamp(since.astimezone(timezone.utc)))
        if until is not None:
            query = query.where(entries.c.at < stamp(until.astimezone(timezone.utc)))
        if kind:
            query = query.where(entries.c.kind == kind)
        if actor:
            query = query.where(entries.c.actor == actor)
        rows = await self._run(lambda c: c.execute(query.order_by(entries.c.seq).limit(limit)).all())
        return [_entry(row) for row in rows]

    def verify_now(self, expect: Optional[Tuple[int, str]] = None) -> Verdict:
        """The whole chain, read in pages (blocking: for the command line)."""
        def rows() -> Any:
            last = 0
            while True:
                with self.engine.connect() as connection:
                    page = connection.execute(sa.select(entries).where(entries.c.seq > last)
                                              .order_by(entries.c.seq).limit(5000)).all()
                if not page:
                    return
                for row in page:
                    yield _entry(row)
                last = page[-1].seq
        return verify(rows(), expect)
