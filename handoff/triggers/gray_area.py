"""What the bot should not decide alone: sensitive topics (legal threats, chargebacks,
privacy, injuries, complaints about staff, account closure, bulk quotes), repeated
out-of-scope requests, and low or ambiguous intent confidence."""
from __future__ import annotations

from typing import Optional

from handoff.config import HandoffConfig
from handoff.conversation import ConversationView, Turn
from handoff.evidence import Evidence


def check(view: ConversationView, config: HandoffConfig) -> Optional[Evidence]:
    settings, turn = config.gray_area, view.latest
    if not settings.enabled or turn is None:
        return None
    for topic in settings.topics:
        match = next((m for p in topic.patterns if (m := p.search(turn.text))), None)
        if match is not None or (turn.intent in topic.intents and turn.confidence >= topic.min_confidence):
            what = f"'{match.group(0)}'" if match else f"intent {turn.intent}"
            return Evidence("gray_area", turn.index, f"sensitive topic {topic.name}: {what}", 1.0, 1.0,
                            topic.skill, topic.priority, topic.mode, reason=f"gray_area:{topic.name}")
    route = config.route("gray_area")
    out_of_scope = sum(1 for t in view.turns if _outside(t, settings.out_of_scope_intents))
    if _outside(turn, settings.out_of_scope_intents) and out_of_scope >= settings.out_of_scope_count:
        return Evidence("gray_area", turn.index, f"{out_of_scope} requests out of the bot's scope",
                        float(out_of_scope), float(settings.out_of_scope_count), route.skill, route.priority,
                        settings.mode, reason="gray_area:out_of_scope")
    return _uncertain(turn, config)


def _outside(turn: Turn, intents: tuple) -> bool:
    """Out of the bot's scope: an out-of-scope intent, or a request the coverage scorer
    found too far from anything the bot covers (not inside a form, where answers are short)."""
    return turn.intent in intents or (turn.covered is False and not turn.in_form)


def _uncertain(turn: Turn, config: HandoffConfig) -> Optional[Evidence]:
    """Low or ambiguous confidence on a turn the bot acted on (not inside a form,
    not a fallback, which the loop trigger counts). With a coverage scorer in the
    pipeline, its calibrated verdict replaces these raw confidences."""
    settings = config.gray_area
    if turn.covered is not None:
        return None
    if turn.in_form or turn.intent is None or turn.intent.split("/")[0] in settings.ignore_intents:
        return None
    ranking = [(name, conf) for name, conf in turn.ranking if name != "nlu_fallback"]
    if not ranking:
        return None
    route = config.route("gray_area")
    top = ranking[0][1]
    if top < settings.low_confidence:
        return Evidence("gray_area", turn.index, f"low confidence: top intent {ranking[0][0]} at {top:.2f}",
                        round(top, 3), settings.low_confidence, route.skill, route.priority, settings.mode,
                        reason="gray_area:low_confidence")
    if len(ranking) > 1 and top - ranking[1][1] < settings.min_margin:
        margin = top - ranking[1][1]
        return Evidence("gray_area", turn.index, f"ambiguous: {ranking[0][0]} vs {ranking[1][0]} "
                        f"(margin {margin:.2f})", round(margin, 3), settings.min_margin, route.skill,
                        route.priority, settings.mode, reason="gray_area:ambiguous")
    return None
