"""The kill switch on the Rasa side: while the bot is off for a skill (or for all), a new
question of that skill goes straight to a person. The skill of a question is the one
handoff.yml's ``skills_by_intent`` names for its intent, else the default route's.
Routine turns (greetings, thanks, yes/no, ratings) are still the bot's. Pure."""
from __future__ import annotations

from typing import Mapping, Optional

from handoff.config import HandoffConfig
from handoff.conversation import ConversationView
from handoff.engine import TRANSFER_ACTION, Decision
from handoff.evidence import Evidence

TRIGGER = "kill_switch"
ALL = "*"


def question_skill(intent: str, config: HandoffConfig) -> str:
    base = intent.split("/")[0]
    return config.skills_by_intent.get(intent) or config.skills_by_intent.get(base) or config.route("default").skill


def switched_off(view: ConversationView, config: HandoffConfig, off: Mapping[str, str]) -> Optional[Decision]:
    """A transfer when the latest question's skill has the bot off; `off`: skill (or "*") -> why."""
    turn = view.latest
    if not off or turn is None or view.paused:
        return None
    intent = turn.intent or ""
    if intent.split("/")[0] in config.loop.routine_intents + config.loop.closing_intents:
        return None
    skill = question_skill(intent, config)
    why = off.get(skill, off.get(ALL))
    if why is None:
        return None
    route = config.route("default")
    evidence = Evidence(TRIGGER, turn.index, f"the bot is switched off for {skill if skill in off else 'all'}: "
                        f"{why}", 1.0, 1.0, skill, route.priority, "transfer", reason=TRIGGER)
    return Decision(TRANSFER_ACTION, [evidence])
