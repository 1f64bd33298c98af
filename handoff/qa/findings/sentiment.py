"""The customer's mood at the start against the end (the SentimentAnalyzer's score in
each message's parse data)."""
from __future__ import annotations

from typing import Dict, List

from handoff.qa.finding import Finding, short
from handoff.qa.rubric import Rubric
from handoff.qa.view import QAView


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    scored = [line for line in view.customer if line.sentiment is not None]
    if len(scored) < 2:
        return []
    first, last = scored[0], scored[-1]
    change = last.sentiment - first.sentiment
    if change > -rubric["sentiment_drop"]:
        return []
    return [Finding("sentiment_dropped", last.turn, f"sentiment fell from {first.sentiment:.2f} (turn "
                    f"{first.turn}) to {last.sentiment:.2f}", round(change, 3), short(last.text))]
