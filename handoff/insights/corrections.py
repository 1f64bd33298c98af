"""Bot answers a person marked wrong: the quality loop's corrections (handoff.corrections)
made in the period, rejected ones left out; by skill through the conversation's review
(handoff.qa). None when the database holds no corrections table (a desk that never ran
the quality loop): not measured, never a made-up zero."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from handoff.corrections.store import REJECTED, corrections
from handoff.qa.store import results


def corrections_marked_wrong(engine: Engine, since: Optional[datetime], until: Optional[datetime],
                             skill: Optional[str]) -> Optional[int]:
    """How many bot turns were marked wrong in the period (and skill)."""
    if not sa.inspect(engine).has_table(corrections.name):
        return None
    query = sa.select(sa.func.count()).select_from(corrections).where(corrections.c.status != REJECTED)
    if since is not None:
        query = query.where(corrections.c.created_at >= since)
    if until is not None:
        query = query.where(corrections.c.created_at < until)
    if skill:
        query = query.where(corrections.c.conversation_id.in_(
            sa.select(results.c.conversation_id).where(results.c.skill == skill)))
    with engine.connect() as connection:
        return int(connection.execute(query).scalar_one())
