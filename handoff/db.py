"""What every store on SQLAlchemy shares: its engine, a transaction in a worker thread,
and datetimes read back in UTC.

SQLAlchemy 1.4 opens and closes a SQLite connection per transaction on a file, and in
SQLite's default rollback-journal mode every commit syncs the file several times. Here
connections are pooled and the database runs in write-ahead-log mode: with
`synchronous=FULL` (the default) one sync of the log per commit, as durable as before (a
commit survives a power cut); `NORMAL` syncs at checkpoints only, for data a power cut
may cost (Rasa's tracker store). Readers never wait for the writer. Any other URL
(PostgreSQL, an in-memory SQLite) gets SQLAlchemy's defaults."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Any, Callable, Optional, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

T = TypeVar("T")


def create_engine(url: Any, synchronous: str = "FULL", **kwargs: Any) -> Engine:
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return sa.create_engine(url, **kwargs)
    # Worker threads take turns with the pooled connections; a writer waits up to 30 s for another.
    engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=8,
                              connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
    pragmas = ("PRAGMA journal_mode=WAL", f"PRAGMA synchronous={synchronous}")

    @sa.event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _: Any) -> None:
        cursor = connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    return engine


async def in_transaction(engine: Engine, work: Callable[[Connection], T]) -> T:
    """`work` in one transaction, in a worker thread: nothing blocks the event loop."""
    def run() -> T:
        with engine.begin() as connection:
            return work(connection)
    return await asyncio.get_running_loop().run_in_executor(None, run)


def utc(value: Optional[datetime]) -> Optional[datetime]:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
