"""The triggers on top of the coverage scorer: a request for a person that is not the
top intent, every reason listed when an offer is accepted, messages the bot could not
act on counted as a loop, and out-of-coverage requests counted as out of scope."""
from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

from handoff.config import HandoffConfig
from handoff.conversation import build_view
from handoff.engine import TRANSFER_ACTION, decide
from handoff.triggers import explicit, gray_area, loop
from tests.handoff.events import action, bot, slot, user


@pytest.fixture(scope="module")
def config() -> HandoffConfig:
    return HandoffConfig.load()


def covered(event: Dict[str, Any], in_scope: Optional[bool], score: float = 0.5) -> Dict[str, Any]:
    event["parse_data"]["coverage"] = {"score": score, "in_scope": in_scope, "threshold": 0.55}
    return event


def turns(*events: Any) -> list:
    flat = []
    for i, event in enumerate(events):
        flat.extend([action("action_listen"), event, action("utter_x"), bot(f"reply {i}")])
    return flat


def test_a_request_for_a_person_counts_when_it_is_not_the_top_intent(config: HandoffConfig) -> None:
    text = "want assistance getting through to somebody"
    second = user(text, "faq", 0.41, ranking=[("faq", 0.41), ("request_human", 0.35), ("bot_challenge", 0.1)])
    evidence = explicit.check(build_view([second]), config)
    assert evidence is not None and evidence.trigger == "explicit" and "request_human (0.35)" in evidence.detail
    weak = user(text, "faq", 0.8, ranking=[("faq", 0.8), ("request_human", 0.12)])
    assert explicit.check(build_view([weak]), config) is None


def test_min_confidence_is_validated() -> None:
    with pytest.raises(Exception, match="triggers.explicit.min_confidence"):
        HandoffConfig.from_dict({"triggers": {"explicit": {"min_confidence": 2}}})


def test_an_accepted_offer_lists_every_reason_that_fired(config: HandoffConfig) -> None:
    offer = [{"trigger": "sentiment", "turn": 1, "detail": "very negative", "value": -0.9, "threshold": -0.75,
              "skill": "customer_care", "priority": "high", "mode": "offer", "reason": ""}]
    events = turns(user("this is ridiculous, late AGAIN!!", "track_order", sentiment=-0.9))
    events += [slot("handoff_reasons", offer), action("action_offer_human"), bot("Would you like a person?")]
    events += [action("action_listen"), user("yes, get me a real person", "request_human", 0.97)]
    decision = decide(build_view(events), config)
    assert decision is not None and decision.action == TRANSFER_ACTION
    assert [e.trigger for e in decision.evidence] == ["sentiment", "explicit"]


def test_three_messages_the_bot_could_not_act_on_are_a_loop(config: HandoffConfig) -> None:
    events = turns(covered(user("blorp snazzle", "nlu_fallback"), False),
                   covered(user("can you sort my invoice", "out_of_scope"), False),
                   covered(user("zzzkk qq", "greet", 0.2), False))
    evidence = loop.check(build_view(events), config)
    assert evidence is not None and evidence.value == 3 and "could not act on" in evidence.detail
    two = turns(covered(user("blorp", "greet", 0.2), False), covered(user("qq zz", "thank", 0.2), False))
    assert loop.check(build_view(two), config) is None


def test_a_request_outside_the_coverage_counts_as_out_of_scope(config: HandoffConfig) -> None:
    first = covered(user("send me an invoice", "out_of_scope"), False)
    second = covered(user("where do I write a review", "faq", 0.5), False)
    evidence = gray_area.check(build_view(turns(first, second)), config)
    assert evidence is not None and evidence.reason == "gray_area:out_of_scope" and evidence.value == 2


def test_with_a_coverage_verdict_raw_confidences_do_not_fire(config: HandoffConfig) -> None:
    low = covered(user("how long is delivery to wales", "faq", 0.2, ranking=[("faq", 0.2), ("track_order", 0.19)]),
                  True, score=0.9)
    assert gray_area.check(build_view(turns(low)), config) is None
    without = user("how long is delivery to wales", "faq", 0.2, ranking=[("faq", 0.2), ("track_order", 0.19)])
    assert gray_area.check(build_view(turns(without)), config) is not None


def test_short_answers_inside_a_form_are_not_counted_as_not_understood(config: HandoffConfig) -> None:
    from tests.handoff.events import loop as active_loop

    events = [active_loop("order_form")] + turns(covered(user("it's 123", "inform", 0.3), False),
                                                 covered(user("10002", "inform", 0.3), False),
                                                 covered(user("alice at example", "inform", 0.2), False))
    assert loop.check(build_view(events), config) is None


def test_inside_a_form_a_runner_up_request_for_a_person_does_not_count(config: HandoffConfig) -> None:
    from tests.handoff.events import loop as active_loop

    answer = user("alice at example", "inform", 0.36, ranking=[("inform", 0.36), ("request_human", 0.3)])
    assert explicit.check(build_view([active_loop("order_form"), answer]), config) is None
    outside = user("alice at example", "inform", 0.36, ranking=[("inform", 0.36), ("request_human", 0.3)])
    assert explicit.check(build_view([outside]), config) is not None


@pytest.mark.parametrize("text, topic", [
    ("my account has been hacked", "account_security"),
    ("someone has got into my account and changed things", "account_security"),
    ("i never ordered this!", "account_security"),
    ("the tracking shows it as delivered but nothing ever came", "delivered_not_received"),
    ("I was charged twice for the same order", "chargeback_fraud"),
    ("there is a payment on my card I don't recognise", "chargeback_fraud"),
    ("I'd like to file a formal complaint", "complaint"),
])
def test_sensitive_requests_go_to_a_person(config: HandoffConfig, text: str, topic: str) -> None:
    evidence = gray_area.check(build_view([user(text, "out_of_scope", 0.6)]), config)
    assert evidence is not None and evidence.reason == f"gray_area:{topic}"


@pytest.mark.parametrize("text", ["I didn't order this colour, can I exchange it", "where is my parcel",
                                  "my parcel was delivered yesterday, thanks", "can I pay in two instalments"])
def test_routine_requests_are_not_sensitive(config: HandoffConfig, text: str) -> None:
    view = build_view([user(text, "faq", 0.9)])
    assert all(not (t.patterns and any(p.search(text) for p in t.patterns)) for t in config.gray_area.topics)
    assert gray_area.check(view, config) is None or gray_area.check(view, config).reason == "gray_area:low_confidence"


def test_a_topic_intent_counts_only_when_it_won_with_enough_confidence(config: HandoffConfig) -> None:
    complaint = next(t for t in config.gray_area.topics if t.name == "complaint")
    sure = gray_area.check(build_view([user("your service was poor", "complain", 0.8)]), config)
    assert sure is not None and sure.reason == "gray_area:complaint"
    unsure = gray_area.check(build_view([user("not bad service so far", "complain", complaint.min_confidence - 0.05)]),
                             config)
    assert unsure is None or unsure.reason != "gray_area:complaint"
