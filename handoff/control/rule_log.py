"""Each time a desk rule changed what happened to a conversation (a load rule, the kill
switch), one row: when, which rule, the skill, the conversation, what it did. The
metrics count them per rule; the rows live in the sessions' database."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from typing import Dict, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()
actions = sa.Table(
    "desk_rule_actions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("skill", sa.String(64), nullable=False),
    sa.Column("conversation_id", sa.String(255)),
    sa.Column("detail", sa.String(500)),
)


class RuleLog:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    async def record(self, rule: str, skill: str, conversation_id: Optional[str], detail: str) -> None:
        row = {"at": datetime.now(timezone.utc), "rule": rule, "skill": skill, "conversation_id": conversation_id,
               "detail": detail[:500]}

        def write() -> None:
            with self.engine.begin() as connection:
                connection.execute(actions.insert().values(**row))
        await asyncio.get_running_loop().run_in_executor(None, write)

    async def counts(self, since: Optional[datetime], until: Optional[datetime],
                     skill: Optional[str]) -> Dict[str, int]:
        query = sa.select(actions.c.rule, sa.func.count()).group_by(actions.c.rule)
        if since is not None:
            query = query.where(actions.c.at >= since)
        if until is not None:
            query = query.where(actions.c.at < until)
        if skill:
            query = query.where(actions.c.skill == skill)

        def read() -> Dict[str, int]:
            with self.engine.connect() as connection:
                return {str(rule): int(n) for rule, n in connection.execute(query)}
        return await asyncio.get_running_loop().run_in_executor(None, read)
