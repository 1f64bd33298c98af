"""TEDPolicy that remembers its answers.

TED's prediction is a pure function of the dialogue states it is shown: the last
`max_history` turns (intent, entities, slots, previous action, active form; the text
only for end-to-end stories), which the featurizer computes from the tracker before the
model runs. A customer-service desk sees the same few states over and over (a greeting,
an FAQ after an FAQ, thanks), and running the transformer costs more than the rest of a
turn's dialogue management together. This policy keys each prediction by those states
and runs the model only for states it has not seen since it was loaded; a hit returns a
copy of what the model answered, so the predictions are the ones TEDPolicy gives.

    policies:
      - name: bot.components.ted_cache.CachedTEDPolicy
        max_history: 5
        cache_size: 4096     # states remembered (least recently used leave first)
"""
from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any, Dict, Hashable, List, Optional, Text, Tuple

from rasa.core.featurizers.precomputation import MessageContainerForCoreFeaturization
from rasa.core.policies.policy import PolicyPrediction, SupportedData
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

CACHE_SIZE = "cache_size"


def frozen(states: List[State]) -> Tuple:
    """Dialogue states as a hashable value: sub-states are dicts of strings and tuples."""
    return tuple(tuple(sorted((kind, tuple(sorted(sub.items()))) for kind, sub in state.items()))
                 for state in states)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True)
class CachedTEDPolicy(TEDPolicy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**TEDPolicy.get_default_config(), CACHE_SIZE: 4096}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._predictions: "OrderedDict[Hashable, PolicyPrediction]" = OrderedDict()

    def _key(self, tracker: DialogueStateTracker, domain: Domain,
             rule_only_data: Optional[Dict[Text, Any]]) -> Hashable:
        """What `_featurize_tracker` feeds the model, before it becomes features."""
        ml_only = self.supported_data() == SupportedData.ML_DATA

        def states(use_text: bool) -> Tuple:
            return frozen(self.featurizer.prediction_states(
                [tracker], domain, use_text_for_last_user_input=use_text, ignore_rule_only_turns=ml_only,
                rule_only_data=rule_only_data, ignore_action_unlikely_intent=ml_only)[0])

        with_text = (tracker.latest_action_name == ACTION_LISTEN_NAME and TEXT in self.fake_features
                     and not self.only_e2e)
        return states(self.only_e2e), states(True) if with_text else None

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Optional[Dict[Text, Any]] = None,
        precomputations: Optional[MessageContainerForCoreFeaturization] = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        size = int(self.config[CACHE_SIZE])
        if self.model is None or size <= 0:
            return super().predict_action_probabilities(tracker, domain, rule_only_data, precomputations, **kwargs)
        key = self._key(tracker, domain, rule_only_data)
        known = self._predictions.get(key)
        if known is not None:
            self._predictions.move_to_end(key)
            return copy.deepcopy(known)
        prediction = super().predict_action_probabilities(tracker, domain, rule_only_data, precomputations,
                                                          **kwargs)
        if not prediction.optional_events:  # entities of this very message are not reused
            self._predictions[key] = copy.deepcopy(prediction)
            if len(self._predictions) > size:
                self._predictions.popitem(last=False)
        return prediction
