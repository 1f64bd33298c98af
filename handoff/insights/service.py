"""The figures as the service serves them: catch the conversation facts up with Rasa's
tracker store, then add the desk's side from the session store."""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, Dict, Mapping, Optional

from sqlalchemy.engine import Engine

from handoff.config import HandoffConfig
from handoff.insights import tracker_source
from handoff.insights.corrections import corrections_marked_wrong
from handoff.insights.desk_side import read_sessions
from handoff.insights.fact_store import FactStore, Period
from handoff.insights.report import bot_and_desk

logger = logging.getLogger(__name__)
CATCH_UP_SECONDS = 30.0


class Insights:
    def __init__(self, engine: Engine, tracker_url: str, config: HandoffConfig) -> None:
        self.engine, self.config = engine, config
        self.facts = FactStore(engine, tracker_source.tracker_engine(tracker_url) if tracker_url else None,
                               config.skills_by_intent)

    async def figures(self, since: Optional[datetime], until: Optional[datetime], skill: Optional[str],
                      rule_counts: Mapping[str, int]) -> Dict[str, Any]:
        await self.facts.catch_up()
        bot = await self.facts.totals(Period(since, until, skill))
        loop = asyncio.get_running_loop()
        sessions = await loop.run_in_executor(None, read_sessions, self.engine, since, until, skill)
        corrections = await loop.run_in_executor(None, corrections_marked_wrong, self.engine, since, until, skill)
        return bot_and_desk(bot, sessions, self.config.desk.costs, since, until, corrections, rule_counts)


async def keep_up(facts: FactStore, every: float = CATCH_UP_SECONDS) -> None:
    """Summarise new conversations in the background, so a read finds little left to do
    (the first run after a deployment on a large tracker store takes a while: see README)."""
    while True:
        try:
            done = await facts.catch_up()
            if done:
                logger.info("desk figures: %d conversations summarised", done)
        except Exception as exc:  # the tracker store being away must not stop the next try
            logger.error("desk figures could not catch up with the tracker store: %r", exc)
        await asyncio.sleep(every)
