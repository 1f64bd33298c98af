"""Personal data typed in the open: the markers redaction leaves in customers' messages
(``[REDACTED:<kind>]``, handoff.privacy) and, in conversations kept from before
redaction, what should never be typed into a chat (card numbers, IBANs, government IDs,
passwords) found by the same detectors. An email or phone number the bot asked for to
verify an order is not a finding."""
from __future__ import annotations

from functools import lru_cache
from typing import Dict, List

from handoff.privacy.redactor import Redactor
from handoff.privacy.spans import MARKER
from handoff.qa.finding import Finding
from handoff.qa.rubric import Rubric
from handoff.qa.view import QAView

NEVER_IN_CHAT = ("card_number", "iban", "government_id", "password")


@lru_cache(maxsize=1)
def _detector() -> Redactor:
    return Redactor(NEVER_IN_CHAT)


def _said(kind: str) -> str:
    return kind.replace("_", " ")


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    findings: List[Finding] = []
    for line in view.customer:
        for match in MARKER.finditer(line.text):
            findings.append(Finding("personal_data", line.turn, f"the customer typed {_said(match.group(1))} "
                                    "(redacted)", evidence=match.group(0)))
        for span in _detector().spans(line.text):
            findings.append(Finding("personal_data", line.turn, f"{_said(span.kind)} in the open",
                                    evidence=f"[{_said(span.kind)}]"))
    return findings
