"""Audit log: appends per second (one writer, and 8 concurrent writers serialised on the
chain) and the time to verify the chain, on SQLite and, when it answers, PostgreSQL.

    .venv/bin/python bench/audit_append.py [--entries 500] [--postgres URL]
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handoff.audit import AuditLog  # noqa: E402


async def appends(log: AuditLog, count: int, writers: int) -> float:
    started = time.perf_counter()

    async def writer(n: int) -> None:
        for i in range(n):
            await log.record("bench", "note", f"session-{i}", {"message": i}, "127.0.0.1")
    await asyncio.gather(*(writer(count // writers) for _ in range(writers)))
    return (count // writers * writers) / (time.perf_counter() - started)


def measure(name: str, url: str, count: int) -> None:
    log = AuditLog.from_url(url)
    one = asyncio.run(appends(log, count, 1))
    many = asyncio.run(appends(log, count, 8))
    started = time.perf_counter()
    verdict = log.verify_now()
    took = time.perf_counter() - started
    print(f"{name:<10} {one:>8.0f} /s one writer {many:>8.0f} /s 8 writers   verify {verdict.checked} entries "
          f"in {took * 1000:.0f} ms ({'intact' if verdict.ok else 'BROKEN'})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        measure("sqlite", f"sqlite:///{folder}/audit.db", args.entries)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = sa.create_engine(args.postgres, future=True)
        with admin.begin() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError:
        print("postgresql not reachable: skipped")
        return 0
    try:
        measure("postgresql", f"{args.postgres}?options=-csearch_path%3D{schema}", args.entries)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
