"""QA results, one row per conversation (the latest review), and the conversations the
service has seen customers write in (to score bot-only ones once they go idle). Their
own tables on the session store's engine (SQLite or PostgreSQL), with their own
MetaData; SQLAlchemy runs in a worker thread, never on the event loop."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Mapping, Optional, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from handoff.qa.scoring import QAResult
from handoff.db import in_transaction, utc as _utc

T = TypeVar("T")
metadata = sa.MetaData()
results = sa.Table(
    "qa_results", metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("score", sa.Float, nullable=False, index=True),
    sa.Column("flagged", sa.Boolean, nullable=False),
    sa.Column("turns", sa.Integer, nullable=False),
    sa.Column("kinds", sa.Text, nullable=False),     # ",fallback,task_failed," for filtering by finding
    sa.Column("findings", sa.Text, nullable=False),  # JSON list
    sa.Column("lines", sa.Text, nullable=False),     # JSON list: the transcript the findings point into
    sa.Column("skill", sa.String(64)),
    sa.Column("agent", sa.String(64), index=True),
    sa.Column("session_id", sa.String(36)),
    sa.Column("ended_at", sa.DateTime(timezone=True), index=True),  # the conversation's last event
    sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
)
watched = sa.Table(
    "qa_watched", metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("last_at", sa.DateTime(timezone=True), nullable=False, index=True),
)


@dataclass(frozen=True)
class QARecord:
    conversation_id: str
    score: float
    flagged: bool
    turns: int
    findings: List[Dict[str, Any]]
    lines: List[Dict[str, Any]]
    skill: Optional[str]
    agent: Optional[str]
    session_id: Optional[str]
    ended_at: Optional[datetime]
    scored_at: datetime

    def as_dict(self, with_lines: bool = True) -> Dict[str, Any]:
        data = {"conversation_id": self.conversation_id, "score": self.score, "flagged": self.flagged,
                "turns": self.turns, "findings": self.findings, "skill": self.skill, "agent": self.agent,
                "session_id": self.session_id, "ended_at": _iso(self.ended_at), "scored_at": _iso(self.scored_at)}
        return {**data, "lines": self.lines} if with_lines else data


@dataclass(frozen=True)
class Filters:
    finding: Optional[str] = None
    skill: Optional[str] = None
    agent: Optional[str] = None
    day: Optional[datetime] = None   # midnight UTC of the day the conversation ended
    flagged: Optional[bool] = None
    limit: int = 100


def _iso(value: Optional[datetime]) -> Optional[str]:
    return value.isoformat() if value else None


def _record(row: Any) -> QARecord:
    return QARecord(row.conversation_id, row.score, bool(row.flagged), row.turns, json.loads(row.findings),
                    json.loads(row.lines), row.skill, row.agent, row.session_id, _utc(row.ended_at),
                    _utc(row.scored_at))


class QAStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    async def _run(self, work: Callable[[Connection], T]) -> T:
        return await in_transaction(self.engine, work)

    async def save(self, result: QAResult, ended_at: Optional[datetime]) -> QARecord:
        desk = result.desk
        row = {"score": result.score, "flagged": result.flagged, "turns": result.turns,
               "kinds": "," + ",".join(sorted({f.kind for f in result.findings})) + ",",
               "findings": json.dumps([f.as_dict() for f in result.findings]), "lines": json.dumps(result.lines),
               "skill": desk.skill if desk else None, "agent": desk.agent if desk else None,
               "session_id": desk.session_id if desk else None, "ended_at": ended_at,
               "scored_at": datetime.now(timezone.utc)}

        def upsert(connection: Connection) -> None:
            update = results.update().where(results.c.conversation_id == result.conversation_id).values(**row)
            if connection.execute(update).rowcount == 0:
                connection.execute(results.insert().values(conversation_id=result.conversation_id, **row))
        try:
            await self._run(upsert)
        except sa.exc.IntegrityError:  # another instance inserted it first: this review is as new
            await self._run(upsert)
        return await self.get(result.conversation_id)

    async def get(self, conversation_id: str) -> Optional[QARecord]:
        query = results.select().where(results.c.conversation_id == conversation_id)
        row = await self._run(lambda c: c.execute(query).first())
        return _record(row) if row is not None else None

    async def list(self, filters: Filters = Filters()) -> List[QARecord]:
        """Worst score first, then the latest."""
        query = results.select()
        if filters.finding:
            query = query.where(results.c.kinds.contains(f",{filters.finding},", autoescape=True))
        if filters.skill:
            query = query.where(results.c.skill == filters.skill)
        if filters.agent:
            query = query.where(results.c.agent == filters.agent)
        if filters.flagged is not None:
            query = query.where(results.c.flagged == filters.flagged)
        if filters.day is not None:
            query = query.where(results.c.ended_at >= filters.day).where(
                results.c.ended_at < filters.day + timedelta(days=1))
        query = query.order_by(results.c.score.asc(), results.c.ended_at.desc()).limit(filters.limit)
        return [_record(row) for row in await self._run(lambda c: c.execute(query).all())]

    async def seen(self, last: Mapping[str, datetime]) -> None:
        """Customers wrote in these conversations at these times."""
        def upsert(connection: Connection) -> None:
            for conversation_id, at in last.items():
                update = watched.update().where(watched.c.conversation_id == conversation_id).values(last_at=at)
                if connection.execute(update).rowcount == 0:
                    connection.execute(watched.insert().values(conversation_id=conversation_id, last_at=at))
        if last:
            try:
                await self._run(upsert)
            except sa.exc.IntegrityError:
                await self._run(upsert)

    async def idle(self, before: datetime, limit: int = 200) -> List[str]:
        """Conversations quiet since `before` and not reviewed since their last message."""
        query = (sa.select(watched.c.conversation_id).select_from(
            watched.outerjoin(results, results.c.conversation_id == watched.c.conversation_id))
            .where(watched.c.last_at < before)
            .where(sa.or_(results.c.scored_at.is_(None), results.c.scored_at < watched.c.last_at))
            .order_by(watched.c.last_at).limit(limit))
        return [row[0] for row in await self._run(lambda c: c.execute(query).all())]
