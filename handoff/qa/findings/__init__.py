"""The finding kinds, one module each, every one a pure function of a QAView and the
rubric returning findings (possibly none). ALL is the order they run in."""
from __future__ import annotations

from typing import Callable, Dict, List

from handoff.qa.finding import Finding
from handoff.qa.findings import agent, handoff_timing, privacy, rating, repetition, sentiment, task, understanding
from handoff.qa.rubric import Rubric
from handoff.qa.view import QAView

Check = Callable[[QAView, Rubric, Dict[str, str]], List[Finding]]
ALL: List[Check] = [task.check, understanding.check, repetition.check, sentiment.check, handoff_timing.check,
                    agent.check, privacy.check, rating.check]
