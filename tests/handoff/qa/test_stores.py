"""The review results, the idle watch and the corrections on SQLite and PostgreSQL, and
the review job's rounds: a closed session's conversation and an idle bot-only one are
reviewed, one Rasa cannot give now waits for the next round."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Dict

import pytest
import sqlalchemy as sa

from handoff.corrections.errors import CorrectionConflict, CorrectionNotFound
from handoff.corrections.store import CorrectionStore
from handoff.errors import RasaUnavailable
from handoff.qa.domain import Catalogue
from handoff.qa.job import ReviewJob
from handoff.qa.rubric import Rubric
from handoff.qa.scoring import review_events
from handoff.qa.store import Filters, QAStore
from handoff.qa.view import Desk
from handoff.service.store import SessionStore
from tests.handoff.events import exchange, user
from tests.handoff.test_session_store import postgres_schema

DAY = datetime(2026, 11, 29, 10, tzinfo=timezone.utc)  # before the reviews the tests make
RUBRIC = Rubric.from_dict({})


@pytest.fixture(params=["sqlite", "postgresql"])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[sa.engine.Engine]:
    if request.param == "sqlite":
        yield SessionStore.from_url(f"sqlite:///{tmp_path / 'handoff.db'}").engine
        return
    with postgres_schema() as scoped:
        yield scoped


async def test_results_worst_first_with_filters(engine: sa.engine.Engine) -> None:
    store = QAStore(engine)
    desk = Desk("s1", "resolved", "orders", "ann", DAY)
    await store.save(review_events("bad", [user("asdf", "nlu_fallback", 0.1)] * 2, RUBRIC, desk=desk), DAY)
    await store.save(review_events("good", exchange("hi", "Hi!", "greet"), RUBRIC), DAY - timedelta(days=1))
    await store.save(review_events("bad", [user("asdf", "nlu_fallback", 0.1)] * 3, RUBRIC, desk=desk), DAY)  # again
    assert [(r.conversation_id, r.score) for r in await store.list()] == [("bad", 76), ("good", 100)]
    assert [r.conversation_id for r in await store.list(Filters(finding="fallback"))] == ["bad"]
    assert [r.conversation_id for r in await store.list(Filters(agent="ann", skill="orders"))] == ["bad"]
    assert await store.list(Filters(skill="orders", agent="bob")) == []
    assert [r.conversation_id for r in await store.list(Filters(day=DAY.replace(hour=0)))] == ["bad"]
    assert [r.conversation_id for r in await store.list(Filters(flagged=False))] == ["bad", "good"]
    record = await store.get("bad")
    assert record.turns == 3 and len(record.findings) == 3 and record.lines[0]["text"] == "asdf"


async def test_idle_conversations_not_reviewed_since_they_were_last_written_in(engine: sa.engine.Engine) -> None:
    store = QAStore(engine)
    await store.seen({"quiet": DAY, "busy": DAY + timedelta(minutes=30), "done": DAY})
    await store.save(review_events("done", [], RUBRIC), DAY)  # reviewed after its last message
    assert await store.idle(DAY + timedelta(minutes=15)) == ["quiet"]
    await store.seen({"done": datetime.now(timezone.utc) + timedelta(minutes=1)})  # written in again
    assert sorted(await store.idle(datetime.now(timezone.utc) + timedelta(hours=1))) == ["busy", "done", "quiet"]


async def test_a_correction_is_decided_once(engine: sa.engine.Engine) -> None:
    store = CorrectionStore(engine)
    made = await store.add("c1", 1, "wrong_answer", "faq/return_policy", "", "text", "[faq] answer", "ann")
    outcomes = await asyncio.gather(store.decide(made.id, "approved", "sue", ""),
                                    store.decide(made.id, "rejected", "tom", ""), return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["Correction", "CorrectionConflict"]
    decided = await store.get(made.id)
    assert decided.decided_by in ("sue", "tom") and decided.decided_at is not None
    with pytest.raises(CorrectionConflict, match="make a new correction"):
        await store.decide(made.id, "approved", "sue", "")
    with pytest.raises(CorrectionNotFound):
        await store.get("nope")
    await store.exported([made.id])
    assert (await store.get(made.id)).exported_at is not None


class FakeRasa:
    def __init__(self, trackers: Dict[str, Any]) -> None:
        self.trackers = trackers

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        if conversation_id not in self.trackers:
            raise RasaUnavailable("http://rasa", "could not be reached")
        return {"events": self.trackers[conversation_id]}


async def test_the_job_reviews_closed_sessions_and_idle_conversations(tmp_path: Path) -> None:
    sessions = SessionStore.from_url(f"sqlite:///{tmp_path / 'handoff.db'}")
    results = QAStore(sessions.engine)
    rasa = FakeRasa({"closed": [user("I want a person", "request_human"), {"event": "pause"}],
                     "idle": [dict(user("asdf", "nlu_fallback", 0.1), timestamp=DAY.timestamp())]})
    job = ReviewJob(sessions, results, rasa, RUBRIC, Catalogue.load(), idle_seconds=60)
    sessions.subscribe(job.session_changed)
    opened = await sessions.create("closed", {"conversation_id": "closed"}, "general", "normal")
    assert await job.review("closed") is None  # a person may still take it
    await sessions.accept(opened.id, "ann")
    await sessions.close(opened.id, "resolved")
    job.seen({"event": "user", "sender_id": "idle", "timestamp": DAY.timestamp()})
    job.seen({"event": "user", "sender_id": "gone", "timestamp": DAY.timestamp()})
    assert await job.round(now=DAY + timedelta(minutes=5)) == 2
    assert (await results.get("closed")).agent == "ann"
    assert [f["kind"] for f in (await results.get("idle")).findings] == ["fallback"]
    assert await results.get("gone") is None  # Rasa could not give it: tried again next round
    rasa.trackers["gone"] = [user("hi", "greet")]
    assert await job.round(now=DAY + timedelta(minutes=6)) == 1
    assert await job.round(now=DAY + timedelta(minutes=7)) == 0  # nothing new
