"""The kill switch's automatic rule: over a rolling window, the share of customer
messages the bot got wrong (fallbacks and answers outside its coverage) or that were
negative, per skill and over the other skills together; above handoff.yml's threshold (with enough
conversations to judge), the bot goes off for that skill. Only a person switches it
back on, and after that the rule judges only conversations since then.

``breaches`` is pure; ``run_auto_switch`` is the service's background job."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Mapping, Optional

from handoff.control.kill_switch import ALL, AUTO, KillSwitch, Switch
from handoff.control.settings import AutoSwitch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Breach:
    skill: str
    reason: str


def _total(stats: Mapping[str, Mapping[str, int]]) -> Dict[str, int]:
    keys = ("conversations", "user_turns", "errors", "negative")
    return {k: sum(int(s.get(k, 0)) for s in stats.values()) for k in keys}


def _breach(skill: str, s: Mapping[str, int], rule: AutoSwitch) -> Optional[Breach]:
    turns = int(s.get("user_turns", 0))
    if int(s.get("conversations", 0)) < rule.min_conversations or not turns:
        return None
    errors, negative = int(s.get("errors", 0)) / turns, int(s.get("negative", 0)) / turns
    if errors > rule.max_error_rate:
        return Breach(skill, f"error rate {errors:.0%} over {turns} messages in {rule.window_minutes:g} min "
                             f"(limit {rule.max_error_rate:.0%})")
    if negative > rule.max_negative_share:
        return Breach(skill, f"negative messages {negative:.0%} of {turns} in {rule.window_minutes:g} min "
                             f"(limit {rule.max_negative_share:.0%})")
    return None


def breaches(stats: Mapping[str, Mapping[str, int]], rule: AutoSwitch) -> List[Breach]:
    """The skills over a threshold; and "*" (the whole bot) when the other skills together are too."""
    found = [b for skill, s in sorted(stats.items()) if (b := _breach(skill, s, rule)) is not None]
    named = {b.skill for b in found}
    rest = _breach(ALL, _total({k: v for k, v in stats.items() if k not in named}), rule)
    return found + ([rest] if rest is not None else [])


async def check_once(switch: KillSwitch, facts: object, rule: AutoSwitch, now: Optional[datetime] = None) -> List[Switch]:
    """Switch off what the window says; returns the switches changed."""
    now = now or datetime.now(timezone.utc)
    start = now - timedelta(minutes=rule.window_minutes)
    await facts.catch_up()
    current = {s.skill: s for s in await switch.all()}
    stats = await facts.window(start)
    turned_on: List[Switch] = []
    for breach in breaches(stats, rule):
        known = current.get(breach.skill)
        if known is not None and known.enabled:
            continue
        if known is not None and known.changed_at > start:  # switched back on by hand since: judge only what came after
            after = await facts.window(known.changed_at)
            if not any(b.skill == breach.skill for b in breaches(after, rule)):
                continue
        turned_on.append(await switch.set(breach.skill, True, breach.reason, "automatic rule", AUTO))
    return turned_on


async def run_auto_switch(switch: KillSwitch, facts: object, rule: AutoSwitch) -> None:
    while True:
        try:
            await check_once(switch, facts, rule)
        except Exception as exc:  # a failing check must not stop the next one
            logger.error("the kill switch's automatic rule could not run: %r", exc)
        await asyncio.sleep(rule.check_seconds)
