"""Each QA finding on tracker fixtures: it is found with its turn and evidence, and it
stays quiet on a conversation without it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List

import pytest

from handoff.qa.rubric import Rubric
from handoff.qa.scoring import review_events
from handoff.qa.view import Desk
from tests.handoff.events import action, bot, exchange, slot, user

RUBRIC = Rubric.from_dict({})
ANSWERS = {"faq/return_policy": "You can return unused items within 30 days of delivery for a full refund."}
T0 = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def at(events: List[Dict[str, Any]], start: float = T0.timestamp(), step: float = 10) -> List[Dict[str, Any]]:
    return [{**e, "timestamp": start + i * step} for i, e in enumerate(events)]


def kinds(events: List[Dict[str, Any]], desk: Desk = None) -> Dict[str, List[Any]]:
    result = review_events("c1", events, RUBRIC, ANSWERS, desk)
    found: Dict[str, List[Any]] = {}
    for f in result.findings:
        found.setdefault(f.kind, []).append(f)
    return found


def agent(text: str) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "metadata": {"agent": "demo", "agent_name": "Sam"}}


def handed_over(*events: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [action("action_handoff"), {"event": "pause"}, *events]


def desk(wait: float = 30, rating: int = None) -> Desk:
    return Desk("s1", "returned", "general", "demo", T0, T0 + timedelta(seconds=wait), T0 + timedelta(hours=1), rating)


def test_an_faq_answered_once_is_a_completed_task() -> None:
    found = kinds(exchange("what's your return policy", "You can return...", faq_key="return_policy"))
    assert [f.detail for f in found["task_completed"]] == ["faq/return_policy answered"]
    assert "task_failed" not in found


def test_an_faq_asked_again_is_a_failed_task_and_a_repeat() -> None:
    events = (exchange("what's your return policy", "You can return...", faq_key="return_policy")
              + exchange("what is your return policy?", "You can return...", faq_key="return_policy"))
    found = kinds(events)
    failed = found["task_failed"][0]
    assert (failed.turn, failed.detail) == (1, "faq/return_policy answered, then asked again at turn 2")
    repeat = found["customer_repeated"][0]
    assert repeat.turn == 2 and repeat.value >= RUBRIC["repeat_similarity"]


def test_an_order_found_or_not() -> None:
    asked = [action("action_listen"), user("where is my order", "track_order"), bot("What's your order number?"),
             action("action_listen"), user("10001", "inform"), action("action_listen"), user("alice@example.com")]
    found = kinds(asked + [action("action_check_order"), bot("Order 10001 has shipped"),
                           slot("customer_email", "alice@example.com")])
    assert found["task_completed"][0].detail.startswith("order found") and "task_failed" not in found
    failed = kinds(asked + [action("action_check_order"), bot("I couldn't find an order 10001")])["task_failed"][0]
    assert failed.turn == 1 and failed.detail.startswith("order not found")


def test_a_booking_made_or_not() -> None:
    start = [action("action_listen"), user("book a store visit tomorrow at 3pm", "book_appointment")]
    made = kinds(start + [action("action_confirm_appointment"), bot("Booked! Your store visit is on Tuesday.")])
    assert made["task_completed"][0].detail == "booking made"
    assert kinds(start + [bot("Which time?")])["task_failed"][0].detail.startswith("booking not made")


def test_fallbacks_and_out_of_coverage() -> None:
    covered_not = user("can you send me a VAT invoice", "faq", faq_key="shipping_cost")
    covered_not["parse_data"]["coverage"] = {"score": 0.4, "in_scope": False, "threshold": 0.8}
    found = kinds([user("asdf qwer", "nlu_fallback", 0.1), bot("Sorry, I didn't get that."),
                   user("what is the meaning of life", "out_of_scope"), bot("I can't help with that here."),
                   covered_not])
    assert [(f.turn, f.evidence) for f in found["fallback"]] == [(1, "asdf qwer")]
    assert [f.turn for f in found["out_of_coverage"]] == [2, 3]
    assert "fallback" not in kinds(exchange("how long does shipping take", "3-5 days", faq_key="shipping_time"))


def test_what_a_person_answers_is_not_a_fallback_of_the_bot() -> None:
    events = [user("I want a person", "request_human")] + handed_over(user("hmm ok", "nlu_fallback", 0.1))
    assert "fallback" not in kinds(events)


def test_a_different_question_is_not_a_repeat() -> None:
    events = (exchange("how long does shipping take", "3-5 days", faq_key="shipping_time")
              + exchange("do you ship to canada", "Yes", faq_key="shipping_countries"))
    assert "customer_repeated" not in kinds(events)


def test_sentiment_start_against_end() -> None:
    events = [user("hi there", "greet", sentiment=0.4), bot("Hi!"), user("this is useless", "complain", sentiment=-0.6)]
    dropped = kinds(events)["sentiment_dropped"][0]
    assert dropped.turn == 2 and dropped.value == pytest.approx(-1.0)
    calm = [user("hi", "greet", sentiment=0.1), bot("Hi!"), user("ok thanks", "thank", sentiment=0.2)]
    assert "sentiment_dropped" not in kinds(calm)


def test_frustration_several_turns_before_the_handoff_is_late() -> None:
    events = [user("this is ridiculous", "complain", sentiment=-0.7), bot("Sorry"),
              user("where is it", "track_order", sentiment=-0.2), bot("Which order?"),
              user("I said it already", "inform", sentiment=-0.3), bot("Which order?"),
              user("get me a person", "request_human", sentiment=-0.5)] + handed_over()
    late = kinds(events)["late_handoff"][0]
    assert (late.turn, late.value) == (1, 3)
    on_time = [user("ok", "greet"), bot("Hi"), user("this is ridiculous", "complain", sentiment=-0.7)] + handed_over()
    assert "late_handoff" not in kinds(on_time)


def test_a_handoff_the_agent_resolved_with_an_faq_answer() -> None:
    events = [user("I want a person", "request_human")] + handed_over(
        user("can I send it back?"), agent("Sure: you can return unused items within 30 days of delivery "
                                           "and get a full refund."))
    faq = kinds(events)["faq_handoff"][0]
    assert faq.detail == "the agent answered with faq/return_policy, which the bot has" and faq.turn == 2
    other = [user("I want a person", "request_human")] + handed_over(agent("Let me check your account."))
    assert "faq_handoff" not in kinds(other)


def test_time_to_agent_and_agent_response_times() -> None:
    events = at([user("I want a person", "request_human")] + handed_over(
        agent("Hi, Sam here"), user("my parcel is late"), *[action("action_listen")] * 12, agent("Let me check")))
    found = kinds(events, desk(wait=600))
    assert found["slow_pickup"][0].value == 600
    slow = found["slow_agent_reply"][0]
    assert slow.turn == 2 and slow.value == 130
    assert not {"slow_pickup", "slow_agent_reply"} & set(kinds(at(events, step=1), desk(wait=30)))


def test_agent_writing_the_customers_details_back() -> None:
    events = [user("order 10001, my email is alice@example.com", "track_order")] + handed_over(
        agent("Thanks, I see order 10001 for alice@example.com"))
    echoed = kinds(events)["agent_repeated_details"]
    assert sorted(f.detail for f in echoed) == ["the agent wrote the customer's email back",
                                               "the agent wrote the customer's number back"]
    assert all("alice@example.com" not in f.evidence for f in echoed)
    assert "agent_repeated_details" not in kinds([user("order 10001")] + handed_over(agent("I found it.")))


def test_no_apology_after_a_complaint() -> None:
    complaint = [user("my sofa arrived broken", "complain", sentiment=-0.5)]
    assert kinds(complaint + handed_over(agent("Send me a photo.")))["no_apology"][0].turn == 1
    assert "no_apology" not in kinds(complaint + handed_over(agent("I'm so sorry! Send me a photo.")))


def test_personal_data_in_the_open() -> None:
    events = [user("my card is [REDACTED:card_number] and phone [REDACTED:phone]"), bot("Please don't share that"),
              user("it's 4111 1111 1111 1111"), bot("ok"), user("order 10001")]
    found = kinds(events)["personal_data"]
    assert [(f.turn, f.evidence) for f in found] == [(1, "[REDACTED:card_number]"), (1, "[REDACTED:phone]"),
                                                     (2, "[card number]")]


def test_the_rating() -> None:
    events = [user("I want a person", "request_human")] + handed_over(agent("Hi"))
    found = kinds(events, desk(rating=1))
    assert found["rating"][0].value == 1 and found["low_rating"][0].value == 1
    assert "low_rating" not in kinds(events, desk(rating=5))
    assert kinds(events + [slot("rating", 4)])["rating"][0].value == 4


def test_the_score_takes_off_the_rubrics_points_and_flags() -> None:
    events = (exchange("what's your return policy", "You can return...", faq_key="return_policy")
              + exchange("what is your return policy?", "You can return...", faq_key="return_policy")
              + [user("asdf", "nlu_fallback", 0.1)])
    result = review_events("c1", events, RUBRIC, ANSWERS)
    # task_failed 25, customer_repeated 10, fallback 8; the second FAQ answer was not re-asked: completed (0)
    assert result.score == 57 and result.flagged
    lenient = Rubric.from_dict({"weights": {"task_failed": 5}, "flag_below": 50})
    assert review_events("c1", events, lenient, ANSWERS).score == 77
    assert review_events("c1", exchange("hi", "Hi!", "greet"), RUBRIC).score == 100


def test_a_restart_starts_the_review_afresh() -> None:
    events = [user("asdf", "nlu_fallback", 0.1), {"event": "restart"}, user("hi", "greet")]
    result = review_events("c1", events, RUBRIC)
    assert result.turns == 1 and not result.findings
