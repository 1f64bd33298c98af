"""Handoff triggers, one module each: pure functions of a ConversationView and the
configuration, returning Evidence or None. ``ALL`` runs them in a fixed order."""
from __future__ import annotations

from typing import Callable, List, Optional, Tuple

from handoff.config import HandoffConfig
from handoff.conversation import ConversationView
from handoff.evidence import Evidence
from handoff.triggers import explicit, gray_area, loop, sentiment

Trigger = Callable[[ConversationView, HandoffConfig], Optional[Evidence]]
ALL: Tuple[Tuple[str, Trigger], ...] = (
    ("explicit", explicit.check),
    ("gray_area", gray_area.check),
    ("loop", loop.check),
    ("sentiment", sentiment.check),
)


def run_all(view: ConversationView, config: HandoffConfig) -> List[Evidence]:
    """Evidence of every enabled trigger that fires on the latest customer turn."""
    return [evidence for _, check in ALL if (evidence := check(view, config)) is not None]
