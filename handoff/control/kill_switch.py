"""The kill switch: the bot switched off for one skill or for all ("*"), so that new
questions go straight to people. Kept in the sessions' database (every instance sees
the same state). Every change, by an operator or by the automatic rule, goes through
``KillSwitch.set`` and is handed to the audit log when the app has one."""
from __future__ import annotations

import asyncio
import inspect
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

logger = logging.getLogger(__name__)
ALL = "*"
MANUAL, AUTO = "manual", "auto"

metadata = sa.MetaData()
switches = sa.Table(
    "desk_kill_switch", metadata,
    sa.Column("skill", sa.String(64), primary_key=True),
    sa.Column("enabled", sa.Integer, nullable=False),  # 1: the bot is off for this skill
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),  # manual | auto
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Switch:
    skill: str
    enabled: bool
    reason: str
    actor: str
    source: str
    changed_at: datetime

    def as_dict(self) -> Dict[str, Any]:
        return {"skill": self.skill, "enabled": self.enabled, "reason": self.reason, "actor": self.actor,
                "source": self.source, "changed_at": self.changed_at.isoformat()}


def _switch(row: Any) -> Switch:
    changed = row.changed_at if row.changed_at.tzinfo else row.changed_at.replace(tzinfo=timezone.utc)
    return Switch(row.skill, bool(row.enabled), row.reason, row.actor, row.source, changed)


def applies(found: List[Switch], skill: str) -> Optional[Switch]:
    """The switch that has the bot off for this skill (its own, or the one for all), or None."""
    return next((s for s in found if s.enabled and s.skill in (skill, ALL)), None)


class KillSwitch:
    def __init__(self, engine: Engine, audit: Callable[[], Any] = lambda: None) -> None:
        """`audit`: gives the audit log (with ``record(actor, kind, subject, detail, source)``) or None."""
        self.engine, self.audit = engine, audit
        metadata.create_all(engine)

    async def _run(self, work: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, work)

    async def all(self) -> List[Switch]:
        def read() -> List[Switch]:
            with self.engine.connect() as connection:
                return [_switch(r) for r in connection.execute(switches.select().order_by(switches.c.skill))]
        return await self._run(read)

    async def set(self, skill: str, enabled: bool, reason: str, actor: str, source: str = MANUAL) -> Switch:
        """The one way the switch changes; the change is audited (actor, kind, subject, detail, source)."""
        row = {"skill": skill, "enabled": int(enabled), "reason": reason[:500], "actor": actor[:64],
               "source": source, "changed_at": datetime.now(timezone.utc)}

        def write() -> None:
            with self.engine.begin() as connection:
                if not connection.execute(switches.update().where(switches.c.skill == skill).values(**row)).rowcount:
                    connection.execute(switches.insert().values(**row))
        try:
            await self._run(write)
        except sa.exc.IntegrityError:  # another instance inserted the same skill first
            await self._run(write)
        logger.warning("kill switch for %s %s by %s (%s): %s", skill, "ON" if enabled else "off", actor, source,
                       reason)
        audit = self.audit()
        if audit is not None:
            recorded = audit.record(actor, "kill_switch", skill, {"bot": "off" if enabled else "on", "reason": reason},
                                    source)
            if inspect.isawaitable(recorded):
                await recorded
        return Switch(**{**row, "enabled": enabled})
