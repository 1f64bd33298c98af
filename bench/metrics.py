"""How long the desk's figures take over many stored conversations, on SQLite and
(when reachable) PostgreSQL: Rasa's events table filled with N conversations (the
seven kinds of the scripted day, spread over four weeks), one session per handoff in
the session store; then

- build: the first catch-up, which summarises every conversation once;
- read: GET /api/metrics's whole work (today's desk fields and the new objects) for all
  of it, then for one skill and one week;
- after more: 1,000 new conversations arrive, catch up and read again.

    .venv/bin/python bench/metrics.py [--conversations 100000] [--postgres postgresql://postgres@127.0.0.1/test]
                                      [--on sqlite,postgresql]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from types import SimpleNamespace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from handoff.config import HandoffConfig  # noqa: E402
from handoff.insights import tracker_source  # noqa: E402
from handoff.control.rule_log import RuleLog  # noqa: E402
from handoff.insights.service import Insights  # noqa: E402
from handoff.service.routes.metrics import figures  # noqa: E402
from handoff.service.store import SessionStore, metadata as store_metadata, sessions  # noqa: E402
from tests.insights.scripted import DAY, day  # noqa: E402

WEEKS = 4


def events_for(count: int, first: int) -> (List[Dict[str, Any]], List[Dict[str, Any]]):
    kinds = list(day().items())
    rows, handoffs = [], []
    for i in range(first, first + count):
        name, events = kinds[i % len(kinds)]
        shift = (i * 7919) % (WEEKS * 7 * 86400) - WEEKS * 7 * 86400  # spread over the weeks before the day
        sender = f"{name}-{i}"
        for event in events:
            rows.append({"sender_id": sender, "event": {**event, "timestamp": event["timestamp"] + shift}})
        if name == "loop":
            created = datetime.fromtimestamp(events[-1]["timestamp"] + shift, timezone.utc)
            handoffs.append({"id": str(uuid.uuid4()), "conversation_id": sender, "status": "returned",
                             "skill": "general", "priority": "high", "rank": 2,
                             "context": json.dumps({"reasons": [{"trigger": "loop"}]}), "created_at": created,
                             "assigned_at": created + timedelta(seconds=40 + i % 60),
                             "closed_at": created + timedelta(seconds=400 + i % 300), "escalated": 0,
                             "rating": 1 + i % 5})
    return rows, handoffs


def fill(engine: sa.engine.Engine, tracker: sa.engine.Engine, count: int, first: int = 0) -> float:
    started = time.perf_counter()
    for start in range(first, first + count, 5000):
        rows, handoffs = events_for(min(5000, first + count - start), start)
        tracker_source.insert_events(tracker, rows)
        if handoffs:
            with engine.begin() as connection:
                connection.execute(sessions.insert(), handoffs)
    return time.perf_counter() - started


async def timed(label: str, work: Any) -> Any:
    started = time.perf_counter()
    result = await work
    print(f"  {label:<44} {time.perf_counter() - started:7.2f} s")
    return result


async def run(name: str, engine: sa.engine.Engine, tracker: sa.engine.Engine, count: int) -> None:
    print(f"{name}: {count:,} conversations")
    print(f"  {'fill (not part of the figures)':<44} {fill(engine, tracker, count):7.2f} s")
    insights = Insights(engine, "", HandoffConfig.load(ROOT / "handoff.yml"))
    insights.facts.tracker = tracker
    app = SimpleNamespace(ctx=SimpleNamespace(store=SessionStore(engine), rule_log=RuleLog(engine), insights=insights))
    built = await timed("build: first catch-up (once)", insights.facts.catch_up())
    since = datetime.fromtimestamp(DAY, timezone.utc) - timedelta(weeks=WEEKS)
    whole = await timed("read: all conversations, all skills", figures(app, since, None, None))
    await timed("read: one skill (orders)", figures(app, since, None, "orders"))
    await timed("read: one week", figures(app, since + timedelta(weeks=3), None, None))
    fill(engine, tracker, 1000, count)
    await timed("after 1,000 more: catch up and read all", figures(app, since, None, None))
    print(f"  conversations summarised {built:,}; containment {whole['containment']['rate']}, "
          f"error rate {whole['error_rate']['rate']}, period {whole['cost']['days']} days")


def postgres(url: str) -> Optional[sa.engine.Engine]:
    try:
        engine = sa.create_engine(url, future=True)
        with engine.connect():
            return engine
    except Exception as exc:  # absent: say so and go on with SQLite
        print(f"PostgreSQL at {url}: not reachable ({exc.__class__.__name__}), skipped")
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--on", default="sqlite,postgresql", help="which databases (default: both)")
    args = parser.parse_args()
    wanted = set(args.on.split(","))
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" not in wanted:
            folder = ""
        if folder:
            engine = SessionStore.from_url(f"sqlite:///{Path(folder) / 'handoff.db'}").engine
            tracker = tracker_source.tracker_engine(f"sqlite:///{Path(folder) / 'tracker.db'}")
            tracker_source.ensure_table(tracker)
            asyncio.run(run("SQLite", engine, tracker, args.conversations))
    server = postgres(args.postgres) if "postgresql" in wanted else None
    if server is not None:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with server.begin() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        scoped = server.execution_options(schema_translate_map={None: schema})
        try:
            store_metadata.create_all(scoped)
            tracker_source.ensure_table(scoped)
            asyncio.run(run("PostgreSQL", scoped, scoped, args.conversations))
        finally:
            with server.begin() as connection:
                connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
