"""The facts of every conversation (handoff.insights.facts), kept in the sessions'
database next to the desk's tables and brought up to date from Rasa's events table
before each read (and in the background): only senders with events newer than the last ones read are read
again, so a read costs what happened since the previous one. The figures are then
sums and counts in SQL over one row per conversation.

On PostgreSQL an advisory lock makes one instance at a time do the catching up;
the others wait for it and read the same rows. Event ids of a PostgreSQL sequence can
commit out of order, so there each catch-up looks again at the last ``MARGIN`` ids before
its mark (SQLite has one writer at a time: its ids commit in order)."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from handoff.insights import tracker_source
from handoff.insights.facts import Facts, conversations

T = TypeVar("T")
MARGIN = 1000
BATCH = 500   # senders read at once

metadata = sa.MetaData()
_TYPES = {"int": sa.Integer, "float": sa.Float, "str": lambda: sa.String(255)}


def _column(name: str, kind: str) -> sa.Column:
    """A column for a Facts field, from its annotation ("int", "Optional[str]"...)."""
    optional = kind.startswith("Optional[")
    return sa.Column(name, _TYPES[kind[9:-1] if optional else kind](), nullable=optional,
                     index=name in ("conversation_id", "started_at"))


facts_table = sa.Table("desk_conversation_facts", metadata, sa.Column("key", sa.String(300), primary_key=True),
                       *[_column(f.name, str(f.type)) for f in fields(Facts)])
state_table = sa.Table(
    "desk_facts_state", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("last_event_id", sa.Integer, nullable=False),
)


SUMMED = ("user_turns", "handed_off", "offers", "fallbacks", "out_of_coverage", "negative_turns", "order_lookups",
          "orders_found", "bookings_made", "bookings_moved", "bookings_cancelled", "faq_asked", "faq_answered",
          "latency_sum", "latency_count", "latency_over_2s", "latency_over_5s", "resolved_by_bot", "abandoned_in_bot")
COUNTED = ("conversations", "bot_ratings", "bot_rating_sum", "bot_satisfied") + SUMMED


def _add(cells: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The sums of some (skill, day) cells; the first start and the last end among them."""
    total: Dict[str, Any] = {name: sum(cell[name] or 0 for cell in cells) for name in COUNTED}
    firsts = [cell["first"] for cell in cells if cell["first"] is not None]
    lasts = [cell["last"] for cell in cells if cell["last"] is not None]
    total["first"], total["last"] = (min(firsts) if firsts else None), (max(lasts) if lasts else None)
    return total


@dataclass(frozen=True)
class Period:
    since: Optional[datetime] = None
    until: Optional[datetime] = None
    skill: Optional[str] = None

    def where(self, query: Any, started: Any, skill: Any) -> Any:
        if self.since is not None:
            query = query.where(started >= self.since.timestamp())
        if self.until is not None:
            query = query.where(started < self.until.timestamp())
        if self.skill:
            query = query.where(skill == self.skill)
        return query


class FactStore:
    def __init__(self, engine: Engine, tracker: Optional[Engine], skills_by_intent: Mapping[str, str]) -> None:
        self.engine, self.tracker, self.skills_by_intent = engine, tracker, dict(skills_by_intent)
        self._catching_up: Optional[asyncio.Lock] = None  # one catch-up at a time in this process
        metadata.create_all(engine)

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(None, work)

    async def catch_up(self) -> int:
        """Read what Rasa wrote since the last time; the number of conversations (re)summarised."""
        if self.tracker is None:
            return 0
        if self._catching_up is None:
            self._catching_up = asyncio.Lock()
        async with self._catching_up:
            return await self._run(self.catch_up_now)

    def catch_up_now(self) -> int:
        upto = tracker_source.last_id(self.tracker)
        if upto == 0:  # Rasa has written nothing yet
            return 0
        with self.engine.begin() as connection:
            if self.engine.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('desk facts'))"))
            mark = connection.execute(sa.select(state_table.c.last_event_id)
                                      .where(state_table.c.name == "events")).scalar()
            if mark is not None and mark >= upto:
                return 0
            margin = MARGIN if self.tracker.dialect.name == "postgresql" else 0  # SQLite: one writer, ids in order
            senders = tracker_source.senders_after(self.tracker, max(0, (mark or 0) - margin), upto)
            done = 0
            for start in range(0, len(senders), BATCH):
                done += self._summarise(connection, senders[start:start + BATCH], upto)
            if mark is None:
                connection.execute(state_table.insert().values(name="events", last_event_id=upto))
            else:
                connection.execute(state_table.update().where(state_table.c.name == "events")
                                   .values(last_event_id=upto))
            return done

    def _summarise(self, connection: Connection, senders: List[str], upto: int) -> int:
        rows = [facts.as_row() for sender, found in tracker_source.events_of(self.tracker, senders, upto)
                for facts in conversations(sender, found, self.skills_by_intent)]
        connection.execute(facts_table.delete().where(facts_table.c.conversation_id.in_(senders)))
        if rows:
            connection.execute(facts_table.insert(), rows)
        return len(rows)

    async def totals(self, period: Period) -> Dict[str, Any]:
        return await self._run(lambda: self._totals(period))

    def _totals(self, period: Period) -> Dict[str, Any]:
        """Two scans: sums per (skill, day), added up here; and handoffs per (trigger, reason, rule)."""
        c = facts_table.c
        columns = [sa.func.count().label("conversations")]
        columns += [sa.func.coalesce(sa.func.sum(c[n]), 0).label(n) for n in SUMMED]
        columns += [sa.func.count(c.bot_rating).label("bot_ratings"),
                    sa.func.coalesce(sa.func.sum(c.bot_rating), 0).label("bot_rating_sum"),
                    sa.func.coalesce(sa.func.sum(sa.case((c.bot_rating >= 4, 1), else_=0)), 0).label("bot_satisfied"),
                    sa.func.min(c.started_at).label("first"), sa.func.max(c.ended_at).label("last")]
        by_cell = period.where(sa.select(c.skill, c.day, *columns).group_by(c.skill, c.day), c.started_at, c.skill)
        reasons = period.where(sa.select(c.handoff_trigger, c.handoff_reason, c.load_rule, sa.func.count())
                               .where(c.handed_off == 1).group_by(c.handoff_trigger, c.handoff_reason, c.load_rule),
                               c.started_at, c.skill)
        with self.engine.connect() as connection:
            cells = [dict(row._mapping) for row in connection.execute(by_cell)]
            handoffs = connection.execute(reasons).all()
        total = _add(cells)
        total["by_skill"] = {skill: _add([r for r in cells if r["skill"] == skill])
                             for skill in sorted({r["skill"] for r in cells})}
        total["by_day"] = {day: _add([r for r in cells if r["day"] == day]) for day in sorted({r["day"] for r in cells})}
        total["by_trigger"], total["by_reason"], total["load_rules"] = {}, {}, {}
        for trigger, reason, rule, count in handoffs:
            for name, key in (("by_trigger", trigger), ("by_reason", reason), ("load_rules", rule)):
                if key is not None:
                    total[name][str(key)] = total[name].get(str(key), 0) + int(count)
        for name in ("by_trigger", "by_reason", "load_rules"):
            total[name] = dict(sorted(total[name].items(), key=lambda item: -item[1]))
        return total

    async def window(self, since: datetime) -> Dict[str, Dict[str, int]]:
        """Per skill since a moment: conversations, customer turns, fallbacks, out of coverage, negative turns."""
        c = facts_table.c
        query = (sa.select(c.skill, sa.func.count(), sa.func.sum(c.user_turns), sa.func.sum(c.fallbacks),
                           sa.func.sum(c.out_of_coverage), sa.func.sum(c.negative_turns))
                 .where(c.ended_at >= since.timestamp()).group_by(c.skill))

        def read() -> Dict[str, Dict[str, int]]:
            with self.engine.connect() as connection:
                return {str(row[0]): {"conversations": int(row[1]), "user_turns": int(row[2] or 0),
                                      "errors": int((row[3] or 0) + (row[4] or 0)), "negative": int(row[5] or 0)}
                        for row in connection.execute(query)}
        return await self._run(read)
