"""For approved handoff corrections ("should have handed off here", "should not have
handed off"): which single handoff.yml change would have caught the marked turns, found
by replay (handoff.replay) over the marked conversations, and what it would cost in
extra handoffs (or save, when negative) over all the stored conversations."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from handoff.config import HandoffConfig
from handoff.corrections.store import Correction
from handoff.replay import replay_events

# (section, key, step, low, high): one change is one step of one threshold, either way.
STEPS: Tuple[Tuple[str, str, float, float, float], ...] = (
    ("sentiment", "strong_negative", 0.1, -1.0, 0.0), ("sentiment", "trend_threshold", 0.1, -1.0, 0.0),
    ("loop", "fallbacks_in_a_row", 1, 1, 1000), ("loop", "same_intent_count", 1, 2, 1000),
    ("loop", "not_understood_in_a_row", 1, 2, 1000), ("loop", "turn_budget", 3, 2, 1000),
    ("gray_area", "low_confidence", 0.1, 0.0, 1.0), ("gray_area", "out_of_scope_count", 1, 1, 1000),
    ("explicit", "min_confidence", 0.1, 0.0, 1.0),
)


@dataclass(frozen=True)
class Suggestion:
    change: str
    caught: int            # marked turns it gets right
    marked: int
    extra_handoffs: int    # over all stored conversations, against the current file (negative: fewer)
    conversations: int

    def as_dict(self) -> Dict[str, Any]:
        return dict(self.__dict__)


def candidates(config: HandoffConfig) -> List[Tuple[str, HandoffConfig]]:
    found = []
    for section, key, step, low, high in STEPS:
        part = getattr(config, section)
        now = getattr(part, key)
        for direction in (1, -1):
            value = round(now + direction * step, 3) if isinstance(now, float) else int(now + direction * step)
            if low <= value <= high and value != now:
                found.append((f"triggers.{section}.{key}: {now} -> {value}",
                              replace(config, **{section: replace(part, **{key: value})})))
        if part.enabled:
            found.append((f"triggers.{section}.enabled: true -> false",
                          replace(config, **{section: replace(part, enabled=False)})))
    return found


def _fires(tracker: Dict[str, Any], config: HandoffConfig) -> Optional[int]:
    return replay_events(str(tracker.get("sender_id")), tracker.get("events") or [], config).turn


def _right(correction: Correction, turn: Optional[int]) -> bool:
    if correction.kind == "should_handoff":
        return turn is not None and turn <= correction.turn
    return turn is None or turn > correction.turn


def suggest(corrections: Sequence[Correction], trackers: Iterable[Dict[str, Any]],
            config: HandoffConfig) -> Tuple[List[Suggestion], List[Correction]]:
    """The changes that get at least one marked turn right that the current file gets wrong, best
    first (most caught, then fewest extra handoffs); and the corrections whose conversation is not
    among the trackers."""
    trackers = list(trackers)
    by_id = {str(t.get("sender_id")): t for t in trackers}
    marked = [c for c in corrections if c.kind in ("should_handoff", "should_not_handoff")]
    missing = [c for c in marked if c.conversation_id not in by_id]
    marked = [c for c in marked if c.conversation_id in by_id]
    baseline = sum(_fires(t, config) is not None for t in trackers)
    already = sum(_right(c, _fires(by_id[c.conversation_id], config)) for c in marked)
    found = []
    for change, candidate in candidates(config):
        caught = sum(_right(c, _fires(by_id[c.conversation_id], candidate)) for c in marked)
        if caught > already:
            handoffs = sum(_fires(t, candidate) is not None for t in trackers)
            found.append(Suggestion(change, caught, len(marked), handoffs - baseline, len(trackers)))
    found.sort(key=lambda s: (-s.caught, abs(s.extra_handoffs)))
    return found, missing
