"""What the desk costs: agents' hours, the bot's conversations and the infrastructure
of the period, per conversation and per resolved conversation, against an all-human
desk, and the total cost of ownership with the human time spent correcting the bot.
Pure arithmetic on counts."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from handoff.control.settings import Costs

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Volume:
    conversations: int            # every conversation with the bot
    resolved: int                 # finished by the bot, or by a person
    agent_hours: float            # hours agents handled chats
    handled_sessions: int         # chats agents handled to the end
    days: float                   # length of the period
    corrections: Optional[int]    # bot answers a person corrected (None: not measured)


def _round(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 2)


def cost(volume: Volume, costs: Costs) -> Dict[str, Any]:
    agents = volume.agent_hours * costs.agent_hour
    bot = volume.conversations * costs.bot_conversation
    infrastructure = costs.infrastructure_month * volume.days / DAYS_PER_MONTH
    correcting = (volume.corrections or 0) * costs.correction_minutes / 60 * costs.agent_hour
    total = agents + bot + infrastructure
    minutes = (volume.agent_hours * 60 / volume.handled_sessions if volume.handled_sessions
               else costs.human_minutes_per_conversation)
    baseline = volume.conversations * minutes / 60 * costs.agent_hour
    tco = total + correcting
    return {
        "currency": costs.currency, "days": round(volume.days, 3),
        "agents": _round(agents), "bot": _round(bot), "infrastructure": _round(infrastructure),
        "corrections": _round(correcting) if volume.corrections is not None else None,
        "total": _round(total),
        "per_conversation": _round(total / volume.conversations) if volume.conversations else None,
        "per_resolved_conversation": _round(total / volume.resolved) if volume.resolved else None,
        "all_human_baseline": _round(baseline), "human_minutes_per_conversation": round(minutes, 2),
        "savings": _round(baseline - tco),
        "total_cost_of_ownership": _round(tco),
    }
