from __future__ import annotations

from pathlib import Path
from unittest.mock import MagicMock

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from handoff.policy import HandoffPolicy
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture(scope="module")
def policy() -> HandoffPolicy:
    config = {**HandoffPolicy.get_default_config(), "config_file": str(ROOT / "handoff.yml")}
    return HandoffPolicy(config, MagicMock(), MagicMock(), MagicMock())


def said(text: str, intent: str, sentiment: float = 0.0) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.95},
                       parse_data={"intent": {"name": intent, "confidence": 0.95},
                                   "intent_ranking": [{"name": intent, "confidence": 0.95}], "entities": [],
                                   "sentiment": {"score": sentiment, "label": "neutral", "cues": []}})


def tracker(domain: Domain, *events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("c1", [ActionExecuted("action_listen"), *events], domain.slots)


def predicted(policy: HandoffPolicy, domain: Domain, t: DialogueStateTracker):
    prediction = policy.predict_action_probabilities(t, domain)
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    return (domain.action_names_or_texts[best] if prediction.probabilities[best] else None), prediction


def test_explicit_request_transfers_and_records_evidence(policy: HandoffPolicy, domain: Domain) -> None:
    action, prediction = predicted(policy, domain, tracker(domain, said("can I speak to a real person", "request_human")))
    assert action == "action_handoff" and prediction.policy_priority == 7
    (slot,) = prediction.optional_events
    assert isinstance(slot, SlotSet) and slot.key == "handoff_reasons"
    assert slot.value[0]["trigger"] == "explicit" and slot.value[0]["turn"] == 1


def test_negative_message_gets_an_offer(policy: HandoffPolicy, domain: Domain) -> None:
    action, prediction = predicted(policy, domain, tracker(domain, said("this is a useless joke", "faq", -0.9)))
    assert action == "action_offer_human" and prediction.optional_events[0].value[0]["mode"] == "offer"


def test_abstains_when_nothing_fires_or_not_after_a_user_turn(policy: HandoffPolicy, domain: Domain) -> None:
    assert predicted(policy, domain, tracker(domain, said("hello", "greet")))[0] is None
    after_action = tracker(domain, said("human please", "request_human"), ActionExecuted("utter_greet"))
    assert predicted(policy, domain, after_action)[0] is None


def test_never_fires_when_paused(policy: HandoffPolicy, domain: Domain) -> None:
    paused = tracker(domain, ConversationPaused(), ActionExecuted("action_listen"), said("human please", "request_human"))
    assert predicted(policy, domain, paused)[0] is None


def test_wrong_handoff_file_stops_the_policy(tmp_path: Path) -> None:
    from handoff.errors import ConfigError

    (tmp_path / "handoff.yml").write_text("triggers:\n  sentiment:\n    strong_negative: 5\n")
    with pytest.raises(ConfigError, match="strong_negative"):
        HandoffPolicy({"priority": 7, "config_file": str(tmp_path / "handoff.yml")}, MagicMock(), MagicMock(), MagicMock())


def test_a_silent_handoff_action_gets_the_callback_offer_from_rasa(policy: HandoffPolicy, domain: Domain) -> None:
    asked = said("can I speak to a real person", "request_human")
    silent = tracker(domain, asked, ActionExecuted("action_handoff"))  # the action server was unreachable
    action, prediction = predicted(policy, domain, silent)
    assert action == "utter_handoff_unreachable" and prediction.is_no_user_prediction
    assert "callback" in domain.responses[action][0]["text"]
    spoke = tracker(domain, asked, ActionExecuted("action_handoff"), BotUttered("I'm passing you"),
                    ConversationPaused())
    assert predicted(policy, domain, spoke)[0] is None
    answered = tracker(domain, asked, ActionExecuted("action_handoff"), BotUttered("I'm sorry"))
    assert predicted(policy, domain, answered)[0] is None
