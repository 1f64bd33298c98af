"""The bot did not understand (a fallback) or did not cover the request (out of scope,
or the coverage scorer's score below its threshold)."""
from __future__ import annotations

from typing import Dict, List

from handoff.qa.finding import Finding, short
from handoff.qa.rubric import Rubric
from handoff.qa.view import QAView


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    findings: List[Finding] = []
    for line in view.customer:
        intent = (line.intent or "").split("/")[0]
        if line.paused:
            continue  # what a person answers is not the bot's understanding
        if intent in rubric.fallback_intents:
            findings.append(Finding("fallback", line.turn, "the bot did not understand", line.confidence,
                                    short(line.text)))
        elif intent in rubric.out_of_scope_intents or line.in_scope is False:
            findings.append(Finding("out_of_coverage", line.turn, "outside what the bot covers", line.confidence,
                                    short(line.text)))
    return findings
