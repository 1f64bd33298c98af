"""The customer said the same thing again right after the bot answered: the answer did
not help."""
from __future__ import annotations

from typing import Dict, List

from handoff.qa.finding import Finding, short, similarity
from handoff.qa.rubric import Rubric
from handoff.qa.view import BOT, QAView


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    findings: List[Finding] = []
    customer = view.customer
    for before, after in zip(customer, customer[1:]):
        if not any(line.speaker == BOT for line in view.answers(before.turn)):
            continue
        alike = similarity(before.text, after.text)
        if alike >= rubric["repeat_similarity"]:
            findings.append(Finding("customer_repeated", after.turn, f"said again what turn {before.turn} said "
                                    "after the bot's answer", round(alike, 2), short(after.text)))
    return findings
