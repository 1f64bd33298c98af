"""Corrections with who made them and when, and who decided and when; their own table
on the session store's engine, with their own MetaData. SQLAlchemy runs in a worker
thread; a decision is one conditional UPDATE, so two supervisors cannot both decide."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Sequence, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from handoff.corrections.errors import CorrectionConflict, CorrectionNotFound
from handoff.db import in_transaction, utc as _utc

T = TypeVar("T")
KINDS = ("wrong_answer", "should_handoff", "should_not_handoff")
PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
metadata = sa.MetaData()
corrections = sa.Table(
    "qa_corrections", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("conversation_id", sa.String(255), nullable=False, index=True),
    sa.Column("turn", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("expected", sa.String(200)),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),        # the customer's message at that turn
    sa.Column("answered", sa.Text, nullable=False),    # what the bot did: its intent and its answer
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(12), nullable=False, index=True),
    sa.Column("decided_by", sa.String(64)),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decision_note", sa.Text),
    sa.Column("exported_at", sa.DateTime(timezone=True)),
)


@dataclass(frozen=True)
class Correction:
    id: str
    conversation_id: str
    turn: int
    kind: str
    expected: Optional[str]
    note: str
    text: str
    answered: str
    author: str
    created_at: datetime
    status: str
    decided_by: Optional[str] = None
    decided_at: Optional[datetime] = None
    decision_note: Optional[str] = None
    exported_at: Optional[datetime] = None

    def as_dict(self) -> Dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key in ("created_at", "decided_at", "exported_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def _correction(row: Any) -> Correction:
    data = dict(row._mapping)
    for key in ("created_at", "decided_at", "exported_at"):
        data[key] = _utc(data[key])
    return Correction(**data)


class CorrectionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    async def _run(self, work: Callable[[Connection], T]) -> T:
        return await in_transaction(self.engine, work)

    async def add(self, conversation_id: str, turn: int, kind: str, expected: Optional[str], note: str, text: str,
                  answered: str, author: str) -> Correction:
        row = {"id": str(uuid.uuid4()), "conversation_id": conversation_id, "turn": turn, "kind": kind,
               "expected": expected, "note": note, "text": text, "answered": answered, "author": author,
               "created_at": datetime.now(timezone.utc), "status": PENDING}
        await self._run(lambda c: c.execute(corrections.insert().values(**row)))
        return Correction(**row)

    async def get(self, correction_id: str) -> Correction:
        row = await self._run(lambda c: c.execute(corrections.select().where(corrections.c.id == correction_id))
                              .first())
        if row is None:
            raise CorrectionNotFound(correction_id)
        return _correction(row)

    async def list(self, statuses: Sequence[str] = (PENDING, APPROVED, REJECTED), author: Optional[str] = None,
                   conversation_id: Optional[str] = None, limit: int = 500) -> List[Correction]:
        query = corrections.select().where(corrections.c.status.in_(list(statuses)))
        if author:
            query = query.where(corrections.c.author == author)
        if conversation_id:
            query = query.where(corrections.c.conversation_id == conversation_id)
        query = query.order_by(corrections.c.created_at.desc()).limit(limit)
        return [_correction(row) for row in await self._run(lambda c: c.execute(query).all())]

    async def decide(self, correction_id: str, status: str, by: str, note: str) -> Correction:
        update = (corrections.update().where(corrections.c.id == correction_id)
                  .where(corrections.c.status == PENDING)
                  .values(status=status, decided_by=by, decided_at=datetime.now(timezone.utc), decision_note=note))
        if not await self._run(lambda c: c.execute(update).rowcount):
            current = await self.get(correction_id)
            raise CorrectionConflict(f"correction '{correction_id}' is {current.status} already (by "
                                     f"{current.decided_by}); a decision is not changed, make a new correction")
        return await self.get(correction_id)

    async def exported(self, ids: Sequence[str]) -> None:
        update = (corrections.update().where(corrections.c.id.in_(list(ids)))
                  .values(exported_at=datetime.now(timezone.utc)))
        if ids:
            await self._run(lambda c: c.execute(update))
