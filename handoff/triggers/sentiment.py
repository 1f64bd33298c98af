"""Frustration: one strongly negative message, or a negative moving average."""
from __future__ import annotations

from typing import Optional

from handoff.config import HandoffConfig
from handoff.conversation import ConversationView
from handoff.evidence import Evidence


def check(view: ConversationView, config: HandoffConfig) -> Optional[Evidence]:
    settings, turn = config.sentiment, view.latest
    if not settings.enabled or turn is None or turn.sentiment is None:
        return None
    route = config.route("sentiment")
    if turn.sentiment <= settings.strong_negative:
        return Evidence("sentiment", turn.index, f"very negative message: '{turn.text[:120]}'",
                        round(turn.sentiment, 3), settings.strong_negative, route.skill, route.priority, settings.mode)
    scores = [t.sentiment for t in view.turns if t.sentiment is not None][-settings.trend_window:]
    if len(scores) < settings.trend_window or turn.sentiment >= 0:
        return None
    average = sum(scores) / len(scores)
    if average > settings.trend_threshold:
        return None
    return Evidence("sentiment", turn.index, f"negative trend over the last {len(scores)} messages "
                    f"({', '.join(f'{s:+.2f}' for s in scores)})", round(average, 3), settings.trend_threshold,
                    route.skill, route.priority, settings.mode)
