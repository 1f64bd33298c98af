"""HandoffPolicy: on every customer turn, runs the triggers of handoff.yml on the
conversation so far. When one fires it predicts ``action_handoff`` (transfer) or
``action_offer_human`` (offer) and records the evidence in the slot
``handoff_reasons``; otherwise it abstains. Priority above RulePolicy (6)."""
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
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from handoff.config import HandoffConfig
from handoff.conversation import HANDOFF_SLOT, build_view
from handoff.engine import decide


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

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        abstain = self._default_predictions(domain)
        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.is_paused():
            return self._prediction(abstain)
        decision = decide(build_view(e.as_dict() for e in tracker.events), self.handoff)
        if decision is None or decision.action not in domain.action_names_or_texts:
            return self._prediction(abstain)
        abstain[domain.index_for_action(decision.action)] = 1.0
        reasons = [e.as_dict() for e in decision.evidence]
        # is_no_user_prediction lets a handoff win over an active form's happy path too
        # (a customer stuck in a form is exactly who the loop trigger is for).
        return self._prediction(abstain, optional_events=[SlotSet(HANDOFF_SLOT, reasons)],
                                is_no_user_prediction=True)
