"""The held-out evaluation's pure parts: reading parse data and trackers, counting."""
from __future__ import annotations

from typing import Any, Dict

from bench.nlu_eval import metrics, report
from bench.nlu_eval.behaviour import Outcome, faq_answers, outcome_from_tracker
from bench.nlu_eval.dataset import Item
from bench.nlu_eval.parse import Parse, from_parse_data

REFUND = "Refunds are issued within 3 working days of your return reaching our warehouse. " \
         "Your bank may take another 3-5 days to show it."


def parse_data(**extra: Any) -> Dict[str, Any]:
    return {
        "text": "when will I get my money back",
        "intent": {"name": "faq", "confidence": 0.9, "full_retrieval_intent_name": "faq/refund_timing"},
        "intent_ranking": [{"name": "faq", "confidence": 0.9}, {"name": "track_order", "confidence": 0.06}],
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/refund_method", "confidence": 0.5}}},
        "sentiment": {"score": -0.2, "label": "neutral"},
        **extra,
    }


def test_the_faq_key_comes_from_the_response_selector() -> None:
    parse = from_parse_data(parse_data())
    assert parse.route == "faq/refund_method"
    assert round(parse.margin, 2) == 0.84 and parse.sentiment_label == "neutral"
    assert parse.coverage_score is None and parse.in_scope is None


def test_the_coverage_key_is_read_when_present() -> None:
    parse = from_parse_data(parse_data(coverage={"score": 0.31, "in_scope": False}))
    assert (parse.coverage_score, parse.in_scope) == (0.31, False)


def test_a_non_faq_intent_is_its_own_route() -> None:
    parse = from_parse_data({"intent": {"name": "track_order", "confidence": 0.7}})
    assert parse.route == "track_order" and parse.margin is None


def tracker(*events: Dict[str, Any]) -> Dict[str, Any]:
    return {"events": [{"event": "action", "name": "action_session_start"}, {"event": "action", "name": "action_listen"},
                       {"event": "user", "text": "x"}, *events, {"event": "action", "name": "action_listen"}]}


def test_an_offer_after_an_faq_answer_counts_both() -> None:
    outcome = outcome_from_tracker(tracker(
        {"event": "action", "name": "action_offer_human"},
        {"event": "slot", "name": "handoff_reasons", "value": [{"trigger": "sentiment", "mode": "offer"}]},
        {"event": "bot", "text": REFUND, "metadata": {}},
        {"event": "bot", "text": "Would you like me to connect you with a person?", "metadata": {}},
    ), faq_answers())
    assert outcome.handed_off and outcome.modes == ("offer",)
    assert outcome.faq_key == "faq/refund_timing" and not outcome.honest


def test_the_fallback_is_an_honest_answer() -> None:
    outcome = outcome_from_tracker(tracker(
        {"event": "action", "name": "action_handle_unclear"},
        {"event": "bot", "text": "Sorry, I didn't understand that.", "metadata": {}}), faq_answers())
    assert outcome.honest and not outcome.handed_off and outcome.actions == ("action_handle_unclear",)


def test_an_faq_is_recognised_by_its_utter_action() -> None:
    outcome = outcome_from_tracker(tracker(
        {"event": "action", "name": "utter_faq"},
        {"event": "bot", "text": "anything", "metadata": {"utter_action": "utter_faq/store_hours"}}))
    assert outcome.faq_key == "faq/store_hours"


def test_figures_count_per_category() -> None:
    items = [Item("a", "covered", "faq/store_hours"), Item("b", "covered", "track_order"),
             Item("c", "human", "request_human"), Item("d", "uncovered"), Item("e", "complaint")]
    parses = [Parse("faq", 0.9, "faq/store_hours"), Parse("faq", 0.9, "faq/store_hours"),
              Parse("faq", 0.8, "faq/contact_details"), Parse("faq", 0.9, "faq/exchange"), Parse("faq", 0.5, "faq/x")]
    nothing = Outcome((), (), ("utter_faq",), "faq/store_hours", ())
    explicit = Outcome(("explicit",), ("transfer",), ("action_handoff",), None, ())
    outcomes = [nothing, nothing, explicit, nothing, nothing]
    parsed = metrics.parse_figures(items, parses)
    behaved = metrics.behaviour_figures(items, parses, outcomes)
    assert parsed["covered_routed_right"] == {"hits": 1, "n": 2}
    assert parsed["human_intent"] == {"hits": 0, "n": 1}
    assert behaved["human_recognised"] == {"hits": 1, "n": 1}
    assert behaved["uncovered_unrelated_faq"] == {"hits": 1, "n": 1}
    assert behaved["complaint_to_person"] == {"hits": 0, "n": 1}
    assert behaved["routine_handed_off"] == {"hits": 0, "n": 2}
    assert "| covered requests routed to the right skill or FAQ | 1/2 (50.0%) |" in report.table({"parse": parsed})
