"""SentimentAnalyzer: an NLU component that adds ``sentiment`` (score, label, cues)
to every message's parse data, so it is stored with the message in the tracker."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from handoff.sentiment import SentimentScorer

SENTIMENT_KEY = "sentiment"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SentimentAnalyzer(GraphComponent):
    """Scores each message with handoff.sentiment (VADER plus customer-service cues)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"negative_below": -0.3, "positive_above": 0.3}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentimentAnalyzer:
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._scorer = SentimentScorer(float(config["negative_below"]), float(config["positive_above"]))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            message.set(SENTIMENT_KEY, self._scorer.score(message.get(TEXT) or "").as_dict(), add_to_output=True)
        return messages
