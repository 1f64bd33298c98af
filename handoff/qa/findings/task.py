"""Was the customer's task done? An order found (the bot verified the customer), a
booking made (the bot's confirmation), an FAQ answered and not asked again. Each task
the customer started is one finding: task_completed or task_failed."""
from __future__ import annotations

from typing import Dict, List

from handoff.qa.finding import Finding, short, similarity
from handoff.qa.rubric import Rubric
from handoff.qa.view import BOT, QAView

GIVE_UP = ("request_human", "complain")


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    return _orders(view, rubric) + _bookings(view, rubric) + _faqs(view, rubric)


def _started(view: QAView, intents: tuple) -> List[int]:
    """The turns where a task of these intents began (again after an earlier one ended)."""
    return [line.turn for line in view.customer if (line.intent or "") in intents]


def _orders(view: QAView, rubric: Rubric) -> List[Finding]:
    starts = _started(view, rubric.order_intents)
    if not starts:
        return []
    found = next((turn for turn, name, value in view.slots if name == "customer_email" and value
                  and turn >= starts[0]), None)
    if found is not None:
        return [Finding("task_completed", found, "order found: the bot verified the order and gave its status")]
    return [Finding("task_failed", starts[0], "order not found: the bot never verified the order",
                    evidence=short(view.customer[starts[0] - 1].text))]


def _bookings(view: QAView, rubric: Rubric) -> List[Finding]:
    starts = _started(view, rubric.booking_intents)
    if not starts:
        return []
    done = next((line for line in view.lines if line.speaker == BOT and line.turn >= starts[0]
                 and rubric.booking_done.search(line.text)), None)
    if done is not None:
        return [Finding("task_completed", done.turn, "booking made", evidence=short(done.text))]
    return [Finding("task_failed", starts[0], "booking not made: the bot never confirmed a change",
                    evidence=short(view.customer[starts[0] - 1].text))]


def _faqs(view: QAView, rubric: Rubric) -> List[Finding]:
    findings: List[Finding] = []
    customer = view.customer
    for line in customer:
        if not (line.intent or "").startswith("faq/") or "utter_faq" not in view.actions_at(line.turn):
            continue
        later = customer[line.turn:]
        again = next((c for c in later if c.intent == line.intent
                      or similarity(c.text, line.text) >= rubric["repeat_similarity"]), None)
        gave_up = later[0] if later and (later[0].intent or "") in GIVE_UP else None
        if again is not None:
            findings.append(Finding("task_failed", line.turn, f"{line.intent} answered, then asked again at turn "
                                    f"{again.turn}", evidence=short(again.text)))
        elif gave_up is not None:
            findings.append(Finding("task_failed", line.turn, f"{line.intent} answered, then the customer "
                                    f"{'asked for a person' if gave_up.intent == 'request_human' else 'complained'}",
                                    evidence=short(gave_up.text)))
        else:
            findings.append(Finding("task_completed", line.turn, f"{line.intent} answered"))
    return findings
