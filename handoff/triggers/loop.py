"""The bot going in circles: fallbacks in a row, the same request again and again,
the same answer repeated, a form asking for the same slot, a long conversation with
no task completed."""
from __future__ import annotations

from collections import Counter
from typing import List, Optional

from handoff.config import HandoffConfig, LoopConfig
from handoff.conversation import ConversationView, Turn
from handoff.evidence import Evidence


def check(view: ConversationView, config: HandoffConfig) -> Optional[Evidence]:
    settings, turn = config.loop, view.latest
    if not settings.enabled or turn is None or turn.intent in settings.closing_intents:
        return None  # a customer who stops, thanks or leaves is not stuck
    for finder in (_fallbacks, _not_understood, _same_intent, _same_response, _same_slot, _budget):
        found = finder(view.turns, settings)
        if found is not None:
            detail, value, threshold = found
            route = config.route("loop")
            return Evidence("loop", turn.index, detail, float(value), float(threshold), route.skill,
                            route.priority, settings.mode)
    return None


def _fallbacks(turns: List[Turn], s: LoopConfig) -> Optional[tuple]:
    run = 0
    for turn in reversed(turns):
        if turn.intent not in s.fallback_intents:
            break
        run += 1
    return (f"{run} messages in a row not understood", run, s.fallbacks_in_a_row) if run >= s.fallbacks_in_a_row else None


def _not_understood(turns: List[Turn], s: LoopConfig) -> Optional[tuple]:
    """Messages the bot could not act on, in a row, whatever intent they landed in:
    unintelligible, out of scope, or too far from anything it covers. Answers inside a
    form are short and judged by the form itself (a form asking again is _same_slot's)."""
    run = 0
    for turn in reversed(turns):
        if turn.in_form or not (turn.intent in s.fallback_intents or turn.intent in s.out_of_scope_intents
                                or turn.covered is False):
            break
        run += 1
    if run >= s.not_understood_in_a_row:
        return (f"{run} messages in a row the bot could not act on", run, s.not_understood_in_a_row)
    return None


def _same_intent(turns: List[Turn], s: LoopConfig) -> Optional[tuple]:
    latest = turns[-1]
    if latest.intent is None or latest.intent in s.routine_intents or latest.intent in s.fallback_intents:
        return None
    window = turns[-s.same_intent_within:]
    if "/" not in latest.intent:
        # A request is resolved once a task completes after it, and an answer given
        # inside a form is not a new request (a form asking again is _same_slot's).
        # Asking the same FAQ again always counts: the answer did not help.
        done = max((i for i, t in enumerate(window[:-1]) if set(t.actions) & set(s.task_actions)), default=-1)
        window = [t for t in window[done + 1:] if t is latest or not t.in_form]
    same = [t for t in window if t.intent == latest.intent]
    if len(same) >= s.same_intent_count:
        return (f"'{latest.intent}' asked {len(same)} times within {len(window)} turns without being resolved",
                len(same), s.same_intent_count)
    return None


def _same_response(turns: List[Turn], s: LoopConfig) -> Optional[tuple]:
    texts = [text for t in turns[-s.same_intent_within:] for text in t.bot_texts if text]
    if not texts:
        return None
    text, count = Counter(texts).most_common(1)[0]
    if count >= s.same_response_count:
        return (f"the bot sent the same reply {count} times: '{text[:80]}'", count, s.same_response_count)
    return None


def _same_slot(turns: List[Turn], s: LoopConfig) -> Optional[tuple]:
    # Only the current form counts: a form that ended (task done or left) starts afresh.
    asked = [slot for t in turns for slot in t.requested_slots]
    run = 0
    for slot in reversed(asked):
        if slot is None or slot != asked[-1]:
            break
        run += 1
    if run >= s.same_slot_asked:
        return (f"the form asked for '{asked[-1]}' {run} times", run, s.same_slot_asked)
    return None


def _budget(turns: List[Turn], s: LoopConfig) -> Optional[tuple]:
    since = 0
    for turn in reversed(turns):
        if set(turn.actions) & set(s.task_actions):
            break
        since += 1
    if since >= s.turn_budget:
        return (f"{since} customer turns without a completed task", since, s.turn_budget)
    return None
