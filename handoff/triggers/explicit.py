"""The customer asks for a human, an agent, a manager, a real person."""
from __future__ import annotations

from typing import Optional

from handoff.config import HandoffConfig
from handoff.conversation import ConversationView
from handoff.evidence import Evidence


def check(view: ConversationView, config: HandoffConfig) -> Optional[Evidence]:
    settings, turn = config.explicit, view.latest
    if not settings.enabled or turn is None:
        return None
    by_intent = turn.intent in settings.intents
    match = next((m for p in settings.patterns if (m := p.search(turn.text))), None)
    if not by_intent and match is None:
        return None
    how = f"intent {turn.intent} ({turn.confidence:.2f})" if by_intent else f"'{match.group(0)}'"
    route = config.route("explicit")
    return Evidence("explicit", turn.index, f"customer asked for a person: {how}", 1.0, 1.0,
                    route.skill, route.priority, settings.mode)
