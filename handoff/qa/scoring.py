"""The score of a conversation: 100 minus the rubric's points for each finding (each
kind counted at most ``max_per_kind`` times), never below 0; flagged for review below
``flag_below``."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

from handoff.context import redact
from handoff.qa.finding import Finding
from handoff.qa.findings import ALL
from handoff.qa.rubric import Rubric
from handoff.qa.view import Desk, QAView, build


@dataclass(frozen=True)
class QAResult:
    conversation_id: str
    score: float
    flagged: bool
    findings: List[Finding]
    turns: int
    lines: List[Dict[str, Any]] = field(default_factory=list)  # the transcript the findings point into (redacted)
    desk: Optional[Desk] = None

    def as_dict(self) -> Dict[str, Any]:
        return {"conversation_id": self.conversation_id, "score": self.score, "flagged": self.flagged,
                "turns": self.turns, "findings": [f.as_dict() for f in self.findings],
                "skill": self.desk.skill if self.desk else None, "agent": self.desk.agent if self.desk else None,
                "session_id": self.desk.session_id if self.desk else None}


def score_findings(findings: Iterable[Finding], rubric: Rubric) -> float:
    counted: Counter = Counter()
    lost = 0.0
    for finding in findings:
        counted[finding.kind] += 1
        if counted[finding.kind] <= rubric.max_per_kind:
            lost += rubric.weights.get(finding.kind, 0.0)
    return round(max(0.0, 100.0 - lost), 1)


def review(view: QAView, rubric: Rubric, answers: Optional[Dict[str, str]] = None) -> QAResult:
    findings = sorted((f for check in ALL for f in check(view, rubric, answers or {})), key=lambda f: f.turn)
    score = score_findings(findings, rubric)
    return QAResult(view.conversation_id, score, score < rubric.flag_below, findings, view.turns,
                    [{**line.as_dict(), "text": redact(line.text)} for line in view.lines], view.desk)


def review_events(conversation_id: str, events: List[Dict[str, Any]], rubric: Rubric,
                  answers: Optional[Dict[str, str]] = None, desk: Optional[Desk] = None) -> QAResult:
    """Score a conversation given as Rasa tracker events (dicts), with its handoff session's side."""
    return review(build(conversation_id, events, desk), rubric, answers)
