"""When a person took over: frustration several turns before the handoff (too late),
and a handoff the agent resolved with an answer the bot has (an FAQ)."""
from __future__ import annotations

from typing import Dict, List

from handoff.qa.finding import Finding, containment, short
from handoff.qa.rubric import Rubric
from handoff.qa.view import AGENT, QAView


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    if view.paused_at is None:
        return []
    return _late(view, rubric) + _faq(view, rubric, answers)


def _late(view: QAView, rubric: Rubric) -> List[Finding]:
    frustrated = next((line for line in view.customer if line.turn <= view.paused_at
                       and line.sentiment is not None and line.sentiment <= rubric["frustrated"]), None)
    if frustrated is None:
        return []
    waited = view.paused_at - frustrated.turn
    if waited < rubric["late_turns"]:
        return []
    return [Finding("late_handoff", frustrated.turn, f"frustrated at turn {frustrated.turn}, a person only after "
                    f"turn {view.paused_at}", waited, short(frustrated.text))]


def _faq(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    for line in view.lines:
        if line.speaker != AGENT:
            continue
        best = max(((containment(answer, line.text), key) for key, answer in answers.items()), default=(0.0, ""))
        if best[0] >= rubric["faq_similarity"]:
            return [Finding("faq_handoff", line.turn, f"the agent answered with {best[1]}, which the bot has",
                            round(best[0], 2), short(line.text))]
    return []
