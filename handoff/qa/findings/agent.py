"""The agent's side: time to a person, how long customers waited for each answer, the
customer's details written back, and no apology in the answer to a complaint."""
from __future__ import annotations

import re
from typing import Dict, List, Optional

from handoff.privacy.detectors.email import EMAIL
from handoff.qa.finding import Finding, short
from handoff.qa.rubric import Rubric
from handoff.qa.view import AGENT, CUSTOMER, Line, QAView

DETAILS = (("email", EMAIL), ("number", re.compile(r"(?<!\d)\d{5,}(?!\d)")))


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    return _pickup(view, rubric) + _replies(view, rubric) + _details(view) + _apology(view, rubric)


def _pickup(view: QAView, rubric: Rubric) -> List[Finding]:
    desk = view.desk
    if desk is None or desk.assigned_at is None:
        return []
    seconds = (desk.assigned_at - desk.created_at).total_seconds()
    if seconds <= rubric["pickup_seconds"]:
        return []
    return [Finding("slow_pickup", view.paused_at or 0, f"waited {seconds:.0f} s for a person", round(seconds, 1))]


def _replies(view: QAView, rubric: Rubric) -> List[Finding]:
    findings: List[Finding] = []
    waiting: Optional[Line] = None
    agent_there = False
    for line in view.lines:
        if line.speaker == CUSTOMER and agent_there and waiting is None:
            waiting = line
        elif line.speaker == AGENT:
            if waiting is not None and waiting.at is not None and line.at is not None:
                seconds = line.at - waiting.at
                if seconds > rubric["reply_seconds"]:
                    findings.append(Finding("slow_agent_reply", waiting.turn, f"the agent answered after {seconds:.0f} s",
                                            round(seconds, 1), short(waiting.text)))
            agent_there, waiting = True, None
    return findings


def _mask(value: str) -> str:
    return value[:2] + "…" + value[-2:] if len(value) > 5 else "…"


def _details(view: QAView) -> List[Finding]:
    said = {(kind, m.group(0).lower()) for line in view.customer for kind, pattern in DETAILS
            for m in pattern.finditer(line.text)}
    findings: List[Finding] = []
    for line in view.lines:
        if line.speaker != AGENT:
            continue
        echoed = sorted({(kind, value) for kind, value in said if value in line.text.lower()})
        for kind, value in echoed:
            findings.append(Finding("agent_repeated_details", line.turn, f"the agent wrote the customer's {kind} back",
                                    evidence=_mask(value)))
    return findings


def _apology(view: QAView, rubric: Rubric) -> List[Finding]:
    findings: List[Finding] = []
    for line in view.customer:
        if (line.intent or "") not in rubric.complaint_intents:
            continue
        reply = next((a for a in view.lines if a.speaker == AGENT and a.turn >= line.turn), None)
        if reply is not None and not any(word in reply.text.lower() for word in rubric.apology_words):
            findings.append(Finding("no_apology", reply.turn, "the agent's answer to a complaint has no apology",
                                    evidence=short(reply.text)))
    return findings
