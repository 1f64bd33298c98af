"""The customer asks for a human, an agent, a manager, a real person: the intent wins,
or it is among the top intents with at least ``min_confidence`` (a request for a
person phrased like something else still counts), or a pattern matches."""
from __future__ import annotations

from typing import Optional

from handoff.config import HandoffConfig
from handoff.conversation import ConversationView
from handoff.evidence import Evidence


def check(view: ConversationView, config: HandoffConfig) -> Optional[Evidence]:
    settings, turn = config.explicit, view.latest
    if not settings.enabled or turn is None:
        return None
    # Inside a form the answers are short ("alice at example") and their runner-up intents
    # mean little: there the request must win outright (or match a pattern).
    by_intent = turn.intent in settings.intents or not turn.in_form and any(
        name in settings.intents and confidence >= settings.min_confidence for name, confidence in turn.ranking)
    match = next((m for p in settings.patterns if (m := p.search(turn.text))), None)
    if not by_intent and match is None:
        return None
    if by_intent:
        name, confidence = next(((n, c) for n, c in turn.ranking if n in settings.intents),
                                (turn.intent, turn.confidence))
        how = f"intent {name} ({confidence:.2f})"
    else:
        how = f"'{match.group(0)}'"
    route = config.route("explicit")
    return Evidence("explicit", turn.index, f"customer asked for a person: {how}", 1.0, 1.0,
                    route.skill, route.priority, settings.mode)
