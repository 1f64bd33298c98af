from __future__ import annotations

from datetime import datetime, timezone

from handoff.context import build_context, redact
from tests.handoff.events import action, bot, slot, user

REASON = {"trigger": "sentiment", "turn": 3, "detail": "very negative message: 'this is ridiculous'",
          "value": -0.9, "threshold": -0.75, "skill": "customer_care", "priority": "high", "mode": "transfer"}
LEGAL = {**REASON, "trigger": "gray_area", "detail": "sensitive topic: legal_threat", "skill": "legal",
         "priority": "urgent"}


def stamped(event: dict, at: float) -> dict:
    return {**event, "timestamp": at, "input_channel": "socketio"} if event["event"] == "user" else {**event, "timestamp": at}


def conversation() -> list:
    events = [
        action("action_listen"), user("where is my order 10003", "track_order", 0.97, sentiment=0.0),
        action("order_form"), bot("What's the email address on the order?"),
        action("action_listen"), user("bob@example.com", "inform", 0.9, sentiment=0.0),
        action("action_check_order"), bot("Order 10003 is delayed; new estimate Friday."),
        action("action_listen"), user("this is ridiculous, third time I ask!!", "faq", 0.6, sentiment=-0.9,
                                      faq_key="delivery_delay"),
        slot("handoff_reasons", [REASON]), action("action_handoff"),
        bot("I'm passing you to our customer care team now."),
        {"event": "bot", "text": "Hi Bob, Sam here, let me check.", "metadata": {"agent": "Sam"}},
    ]
    return [stamped(e, 1_700_000_000 + i) for i, e in enumerate(events)]


def slots() -> dict:
    return {"order_number": "10003", "customer_email": "bob@example.com", "order_email": None,
            "handoff_reasons": [REASON], "requested_slot": None}


def test_context_carries_everything_an_agent_needs() -> None:
    context = build_context("conv-1", conversation(), slots(), now=datetime(2026, 11, 24, tzinfo=timezone.utc))
    assert context.conversation_id == "conv-1" and context.channel == "socketio"
    assert context.customer == {"email": "bob@example.com", "verified": True}
    assert context.reasons == [REASON] and (context.skill, context.priority) == ("customer_care", "high")
    assert [(line.speaker, line.text[:12]) for line in context.transcript][:2] == [
        ("customer", "where is my "), ("bot", "What's the e")]
    assert context.transcript[-1].speaker == "agent"
    assert context.transcript[0].at == "2023-11-14T22:13:21+00:00"
    assert context.intents[0] == {"turn": 1, "intent": "track_order", "confidence": 0.97}
    assert context.intents[2]["intent"] == "faq/delivery_delay"
    assert context.sentiment == [0.0, 0.0, -0.9]
    assert context.slots == {"order_number": "10003", "customer_email": "bob@example.com"}
    assert context.as_dict()["transcript"][0]["speaker"] == "customer"


def test_summary_says_what_was_wanted_tried_and_why() -> None:
    summary = build_context("conv-1", conversation(), slots()).summary
    assert "Wants: track order, FAQ delivery delay (order 10003; verified email bob@example.com)" in summary
    assert "Bot tried: order form, check order" in summary
    assert "Why a person: very negative message" in summary and "mood angry" in summary


def test_the_most_urgent_reason_routes_the_session() -> None:
    context = build_context("c", conversation(), {**slots(), "handoff_reasons": [REASON, LEGAL]})
    assert (context.skill, context.priority) == ("legal", "urgent")


def test_unverified_customers_have_no_identity_and_empty_conversations_still_build() -> None:
    context = build_context("c", [], {})
    assert context.customer == {} and context.transcript == [] and context.skill == "general"
    assert context.summary.startswith("Said nothing yet")


def test_card_numbers_are_redacted_but_order_numbers_are_not() -> None:
    assert redact("my card 4111 1111 1111 1111 was charged") == "my card [REDACTED:card_number] was charged"
    assert redact("order 10003 and phone 4111111111111112") == "order 10003 and phone 4111111111111112"
    events = [user("I paid with 4111-1111-1111-1111", "faq")]
    assert "4111" not in build_context("c", events, {}).transcript[0].text


def test_values_the_customer_gave_are_in_the_summary_after_their_slots_reset() -> None:
    said = user("where is 10001", "track_order")
    said["parse_data"]["entities"] = [{"entity": "order_number", "value": "10001"},
                                      {"entity": "email", "value": "eve@example.com"}]
    summary = build_context("c", [said, user("a person please", "request_human")], {}).summary
    assert summary.startswith("Wants: track order (order 10001).")
