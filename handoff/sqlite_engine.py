"""The engine of a store that may live in a SQLite file (the embedded default).

SQLAlchemy 1.4 opens and closes a SQLite connection per transaction on a file, and in
SQLite's default rollback-journal mode every commit syncs the file several times. Here
connections are pooled and the database runs in write-ahead-log mode with
`synchronous=FULL`: one sync of the log per commit, as durable as before (a commit
survives a power cut), and readers never wait for the writer. Any other URL
(PostgreSQL, an in-memory SQLite) gets SQLAlchemy's defaults."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL")


def create_engine(url: str, **kwargs: Any) -> Engine:
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return sa.create_engine(url, **kwargs)
    # Worker threads take turns with the pooled connections; a writer waits up to 30 s for another.
    engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=8,
                              connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _: Any) -> None:
        cursor = connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    return engine
