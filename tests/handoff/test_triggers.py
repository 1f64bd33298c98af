from __future__ import annotations

from dataclasses import replace

import pytest

from handoff.config import HandoffConfig
from handoff.conversation import build_view
from handoff.engine import OFFER_ACTION, TRANSFER_ACTION, decide
from handoff.triggers import explicit, gray_area, loop, sentiment
from tests.handoff.events import action, bot, exchange, loop as active_loop, slot, user


@pytest.fixture(scope="module")
def config() -> HandoffConfig:
    return HandoffConfig.load()


def view(*events):
    flat = []
    for e in events:
        flat.extend(e if isinstance(e, list) else [e])
    return build_view(flat)


# explicit -------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["can I talk to a real person", "I want to speak with a manager", "human please"])
def test_explicit_by_pattern(config: HandoffConfig, text: str) -> None:
    evidence = explicit.check(view(user(text, "out_of_scope", 0.6)), config)
    assert evidence and evidence.trigger == "explicit" and evidence.mode == "transfer" and evidence.turn == 1
    assert "customer asked for a person" in evidence.detail


def test_explicit_by_intent_and_not_otherwise(config: HandoffConfig) -> None:
    assert explicit.check(view(user("get me someone", "request_human", 0.9)), config).detail.endswith("(0.90)")
    assert explicit.check(view(user("how long does shipping take", "faq")), config) is None


# sentiment ------------------------------------------------------------------------

def test_one_strongly_negative_message(config: HandoffConfig) -> None:
    evidence = sentiment.check(view(exchange("this is a useless joke", "ok", sentiment=-0.9)), config)
    assert evidence.value == -0.9 and evidence.threshold == -0.75 and evidence.mode == "offer"
    assert "very negative" in evidence.detail


def test_negative_trend(config: HandoffConfig) -> None:
    turns = [exchange(f"m{i}", "ok", sentiment=s) for i, s in enumerate([-0.3, -0.45, -0.5])]
    evidence = sentiment.check(view(*turns), config)
    assert evidence and evidence.turn == 3 and evidence.value == pytest.approx(-0.417, abs=1e-3)
    assert "negative trend over the last 3 messages" in evidence.detail


def test_mild_annoyance_does_not_fire(config: HandoffConfig) -> None:
    turns = [exchange(f"m{i}", "ok", sentiment=s) for i, s in enumerate([-0.4, -0.3, 0.5])]
    assert sentiment.check(view(*turns), config) is None
    assert sentiment.check(view(exchange("meh", "ok", sentiment=-0.5)), config) is None


# loop -----------------------------------------------------------------------------

def test_fallbacks_in_a_row(config: HandoffConfig) -> None:
    unclear = lambda t: exchange(t, "Sorry, I didn't understand", "nlu_fallback", after="action_handle_unclear")
    assert loop.check(view(unclear("asdf")), config) is None
    evidence = loop.check(view(unclear("asdf"), unclear("qwer")), config)
    assert evidence.detail == "2 messages in a row not understood" and evidence.value == 2


def test_same_faq_three_times(config: HandoffConfig) -> None:
    ask = lambda: exchange("when is my refund coming", "Refunds take 3 days", faq_key="refund_timing")
    assert loop.check(view(ask(), ask()), config) is None
    evidence = loop.check(view(ask(), ask(), ask()), config)
    assert "asked 3 times" in evidence.detail and evidence.threshold == 3


def test_repeated_orders_that_were_answered_are_not_a_loop(config: HandoffConfig) -> None:
    track = lambda n: exchange(f"track {n}", f"Order {n} shipped", "track_order", after="action_check_order")
    assert loop.check(view(track(1), track(2), track(3)), config) is None


def test_form_asking_the_same_slot(config: HandoffConfig) -> None:
    events = [action("action_listen"), user("where is my order", "track_order"), action("order_form"),
              active_loop("order_form"), slot("requested_slot", "order_number")]
    for text in ("abc", "no idea", "123"):
        events += [action("action_listen"), user(text, "inform"), action("order_form"),
                   slot("order_number", None), slot("requested_slot", "order_number")]
    evidence = loop.check(build_view(events), config)
    assert evidence and "asked for 'order_number'" in evidence.detail and evidence.value >= 3


def test_a_new_form_starts_counting_afresh(config: HandoffConfig) -> None:
    def ask_time(text: str, intent: str = "inform") -> list:
        return [action("action_listen"), user(text, intent), action("appointment_form"),
                slot("requested_slot", "appointment_time")]
    booked = [*ask_time("call me on Sunday", "book_appointment"), *ask_time("Thursday at 2pm"),
              action("action_listen"), user("yes", "affirm"), action("appointment_form"),
              active_loop(None), slot("requested_slot", None), action("action_confirm_appointment")]
    rescheduled = ask_time("I need to reschedule", "reschedule_appointment")
    assert loop.check(build_view(booked + rescheduled), config) is None
    assert loop.check(build_view(booked + rescheduled + ask_time("hmm") + ask_time("hmm")), config) is not None


def test_answers_inside_a_form_and_resolved_requests_are_not_repeats(config: HandoffConfig) -> None:
    def turn(text: str, intent: str, *actions: str) -> list:
        return [action("action_listen"), user(text, intent), *[action(a) for a in actions]]
    events = [*turn("book a phone callback", "book_appointment", "appointment_form"), active_loop("appointment_form"),
              *turn("next Friday at 10am", "book_appointment", "appointment_form"), active_loop(None),
              *turn("no", "deny", "utter_appointment_not_changed"),
              *turn("my appointments", "list_appointments", "action_list_appointments"),
              *turn("book an appointment", "book_appointment", "appointment_form")]
    assert loop.check(build_view(events), config) is None
    unresolved = [*turn("book a visit", "book_appointment", "utter_sorry"),
                  *turn("I said book a visit", "book_appointment", "utter_sorry"),
                  *turn("book a visit!", "book_appointment", "utter_sorry")]
    evidence = loop.check(build_view(unresolved), config)
    assert evidence and "'book_appointment' asked 3 times" in evidence.detail


def test_a_customer_who_stops_is_not_stuck(config: HandoffConfig) -> None:
    unclear = lambda t: exchange(t, "Sorry, I didn't understand", "nlu_fallback", after="action_handle_unclear")
    ask = [action("action_listen"), user("never mind", "stop")]
    assert loop.check(view(unclear("asdf"), *ask), config) is None
    repeated = [exchange("x", "When would suit you?", "inform", after="appointment_form") for _ in range(3)]
    assert loop.check(view(*repeated), config) is not None
    assert loop.check(view(*repeated, [action("action_listen"), user("forget it", "stop")]), config) is None


def test_turn_budget(config: HandoffConfig) -> None:
    chat = [exchange(f"hmm {i}", "ok", "out_of_scope", after="utter_out_of_scope") for i in range(15)]
    evidence = loop.check(view(*chat), config)
    assert evidence is not None


# gray area ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, topic, priority",
    [
        ("I'll get my lawyer involved", "legal_threat", "urgent"),
        ("I'm going to do a chargeback with my bank", "chargeback_fraud", "high"),
        ("delete my personal data under GDPR", "privacy_data", "high"),
        ("the kettle gave me an electric shock", "injury_safety", "urgent"),
        ("your driver was so rude to me", "staff_complaint", "high"),
        ("please close my account", "account_closure", "normal"),
        ("I need a quote for 500 units for my company", "bulk_quote", "normal"),
    ],
)
def test_sensitive_topics(config: HandoffConfig, text: str, topic: str, priority: str) -> None:
    evidence = gray_area.check(view(user(text, "faq", 0.7)), config)
    assert evidence and evidence.reason == f"gray_area:{topic}" and evidence.priority == priority


def test_out_of_scope_twice(config: HandoffConfig) -> None:
    oos = lambda: exchange("tell me a joke", "can't help", "out_of_scope", after="utter_out_of_scope")
    assert gray_area.check(view(oos()), config) is None
    assert gray_area.check(view(oos(), oos()), config).reason == "gray_area:out_of_scope"


def test_low_confidence_and_ambiguity(config: HandoffConfig) -> None:
    low = user("hmm shipping maybe", "faq", 0.3, ranking=[("faq", 0.3), ("track_order", 0.2)])
    assert gray_area.check(view(low), config).reason == "gray_area:low_confidence"
    close = user("order or refund", "faq", 0.5, ranking=[("faq", 0.5), ("track_order", 0.47)])
    assert gray_area.check(view(close), config).reason == "gray_area:ambiguous"
    sure = user("how long is shipping", "faq", 0.97, ranking=[("faq", 0.97), ("track_order", 0.01)])
    assert gray_area.check(view(sure), config) is None


def test_low_confidence_inside_a_form_is_left_to_the_form(config: HandoffConfig) -> None:
    events = [active_loop("order_form"), user("10001", "faq", 0.3, ranking=[("faq", 0.3), ("inform", 0.25)])]
    assert gray_area.check(build_view(events), config) is None


# engine ---------------------------------------------------------------------------

def test_nothing_fires_on_a_routine_conversation(config: HandoffConfig) -> None:
    routine = view(exchange("hi", "Hi!", "greet", after="utter_greet"),
                   exchange("how long is shipping", "3-5 days", faq_key="shipping_time", sentiment=0.0),
                   exchange("thanks", "You're welcome", "thank", after="utter_you_are_welcome", sentiment=0.4))
    assert decide(routine, config) is None


def test_highest_priority_decides_and_all_evidence_is_kept(config: HandoffConfig) -> None:
    decision = decide(view(user("this is useless, I'm calling my lawyer", "faq", 0.8, sentiment=-0.9)), config)
    assert decision.action == TRANSFER_ACTION
    assert [e.reason or e.trigger for e in decision.evidence] == ["gray_area:legal_threat", "sentiment"]


def test_offer_declined_is_not_repeated_unless_worse(config: HandoffConfig) -> None:
    first = decide(view(exchange("this is a useless joke", "ok", sentiment=-0.8)), config)
    assert first.action == OFFER_ACTION
    offered = [slot("handoff_reasons", [e.as_dict() for e in first.evidence]), action(OFFER_ACTION), bot("Want a person?")]
    history = exchange("this is a useless joke", "ok", sentiment=-0.8) + offered
    no = [action("action_listen"), user("no", "deny")]
    assert decide(build_view(history + no), config) is None
    slightly = exchange("still a joke", "ok", sentiment=-0.85)
    assert decide(build_view(history + no + [action("utter_ok")] + slightly), config) is None
    worse = exchange("absolutely furious now", "ok", sentiment=-1.0)
    assert decide(build_view(history + no + [action("utter_ok")] + worse), config).action == OFFER_ACTION


def test_yes_to_an_offer_becomes_a_transfer(config: HandoffConfig) -> None:
    first = decide(view(exchange("this is a useless joke", "ok", sentiment=-0.8)), config)
    events = exchange("this is a useless joke", "ok", sentiment=-0.8) + [
        slot("handoff_reasons", [e.as_dict() for e in first.evidence]), action(OFFER_ACTION),
        action("action_listen"), user("yes please", "affirm")]
    decision = decide(build_view(events), config)
    assert decision.action == TRANSFER_ACTION and decision.evidence[0].mode == "transfer"
    assert decision.evidence[0].turn == 2 and decision.evidence[0].trigger == "sentiment"


def test_never_fires_on_a_paused_conversation(config: HandoffConfig) -> None:
    events = [user("get me a human", "request_human"), {"event": "pause"}, user("hello??", "greet")]
    assert decide(build_view(events), config) is None
    assert decide(build_view(events + [{"event": "resume"}, user("human please", "request_human")]), config)


def test_disabled_triggers_stay_quiet(config: HandoffConfig) -> None:
    off = replace(config, explicit=replace(config.explicit, enabled=False))
    assert explicit.check(view(user("real person please")), off) is None


def test_a_general_reason_goes_to_the_skill_of_what_was_asked(config: HandoffConfig) -> None:
    events = [*exchange("where is 10003", "Order 10003 is delayed", "track_order", after="action_check_order"),
              action("action_listen"), user("I want a human", "request_human")]
    decision = decide(view(events), config)
    assert decision.evidence[0].trigger == "explicit" and decision.evidence[0].skill == "orders"
    legal = view([action("action_listen"), user("where is 10003? I'll see you in court", "track_order")])
    assert decide(legal, config).evidence[0].skill == "legal"  # a sensitive topic keeps its own queue
    assert decide(view([action("action_listen"), user("a human please", "request_human")]),
                  config).evidence[0].skill == "general"


def test_repeated_ratings_after_a_hand_back_never_open_a_new_handoff(config: HandoffConfig) -> None:
    reason = {"trigger": "explicit", "turn": 1, "detail": "asked", "value": 1.0, "threshold": 1.0,
              "skill": "general", "priority": "normal", "mode": "transfer", "reason": ""}
    events = [action("action_listen"), user("I want to talk to a person", "request_human"),
              slot("handoff_reasons", [reason]), action("action_handoff"), {"event": "pause"},
              user("still there?"), {"event": "resume"}, action("action_back_from_agent"),
              bot("How did our team do, from 1 to 5?")]
    for rating in "51515":  # the customer presses the rating buttons again and again
        events += [action("action_listen"), user(f'/rate_agent{{"rating": "{rating}"}}', "rate_agent", 1.0),
                   action("action_record_rating"), bot("Thank you. Anything else I can do for you?")]
        assert decide(build_view(events), config) is None
