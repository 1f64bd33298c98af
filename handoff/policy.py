"""HandoffPolicy: on every customer turn, runs the triggers of handoff.yml on the
conversation so far. When one fires it predicts ``action_handoff`` (transfer) or
``action_offer_human`` (offer) and records the evidence in the slot
``handoff_reasons``; otherwise it abstains. Priority above RulePolicy (6).

The customer is never left without an answer: when ``action_handoff`` or
``action_offer_human`` ran but said nothing (the action server could not be reached:
Rasa logs the error and goes on with no events), it predicts ``utter_handoff_unreachable``,
a response of the domain that Rasa sends by itself: our team cannot be reached now, and
the offer of a callback.

The desk steers it too (handoff.control): while the bot is switched off for a skill, a
new question of that skill goes straight to a person; while agents are idle, the
sentiment trigger offers a person earlier. It reads the desk's state that a thread polls
from the handoff service (HANDOFF_URL), never waiting on the network itself."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from handoff.config import HandoffConfig
from handoff.control.load_rules import decide_under_load
from handoff.control.state_client import DeskState, StatePoller, poller_from_env
from handoff.control.switch_rule import switched_off
from handoff.conversation import HANDOFF_SLOT, build_view

SPEAKING_ACTIONS = ("action_handoff", "action_offer_human")  # each always says something when it runs
UNREACHABLE = "utter_handoff_unreachable"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class HandoffPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7, "config_file": "handoff.yml"}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, featurizer: Optional[Any] = None,
                 handoff_config: Optional[HandoffConfig] = None) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self.handoff = handoff_config or HandoffConfig.load(Path(config["config_file"]))
        # Served with a handoff service (HANDOFF_URL), the desk's state is polled from the start.
        self._desk: Optional[StatePoller] = poller_from_env()
        if self._desk is not None:
            self._desk.start()

    def desk_state(self) -> Optional[DeskState]:
        """The kill switch and the desk's load, as last polled from the handoff service (None: unknown)."""
        return self._desk.current() if self._desk is not None else None

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    @staticmethod
    def _went_silent(tracker: DialogueStateTracker) -> bool:
        """Did one of the handoff's actions just run without a word (nor a pause)?"""
        latest = tracker.events[-1] if tracker.events else None
        return isinstance(latest, ActionExecuted) and latest.action_name in SPEAKING_ACTIONS

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        abstain = self._default_predictions(domain)
        if self._went_silent(tracker) and UNREACHABLE in domain.action_names_or_texts:
            abstain[domain.index_for_action(UNREACHABLE)] = 1.0
            return self._prediction(abstain, is_no_user_prediction=True)
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.is_paused():
            return self._prediction(abstain)
        view = build_view(e.as_dict() for e in tracker.events)
        desk = self.desk_state()
        decision = (switched_off(view, self.handoff, desk.off) if desk else None) or \
            decide_under_load(view, self.handoff, desk.load if desk else None)
        if decision is None or decision.action not in domain.action_names_or_texts:
            return self._prediction(abstain)
        abstain[domain.index_for_action(decision.action)] = 1.0
        reasons = [e.as_dict() for e in decision.evidence]
        # is_no_user_prediction lets a handoff win over an active form's happy path too
        # (a customer stuck in a form is exactly who the loop trigger is for).
        return self._prediction(abstain, optional_events=[SlotSet(HANDOFF_SLOT, reasons)],
                                is_no_user_prediction=True)
