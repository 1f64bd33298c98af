"""Personal data typed in the open: the markers redaction leaves in customers' messages
(``[REDACTED:<kind>]``) and, in conversations from before redaction, raw card numbers
(handoff.context.redact's check)."""
from __future__ import annotations

import re
from typing import Dict, List

from handoff.context import redact
from handoff.qa.finding import Finding
from handoff.qa.rubric import Rubric
from handoff.qa.view import QAView

MARKER = re.compile(r"\[REDACTED:([a-z_]+)\]")


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    findings: List[Finding] = []
    for line in view.customer:
        for match in MARKER.finditer(line.text):
            findings.append(Finding("personal_data", line.turn, f"the customer typed {match.group(1).replace('_', ' ')} "
                                    "(redacted)", evidence=match.group(0)))
        if redact(line.text) != line.text:
            findings.append(Finding("personal_data", line.turn, "a card number in the open", evidence="[card number]"))
    return findings
