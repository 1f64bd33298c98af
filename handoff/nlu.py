"""SentimentAnalyzer: an NLU component that adds ``sentiment`` (score, label, cues)
to every message's parse data, so it is stored with the message in the tracker.

The score is the lexicon and customer-service cues of handoff.sentiment, folded with
the learned heads (handoff.sentiment_head) when the pipeline has sentence vectors
(bot.components.sentence_featurizer before this component):

- the score, which the handoff triggers read, is at most ``1 - 2 * P(frustration)``,
  but the head alone never takes it below ``learned_floor`` (-0.7, above handoff.yml's
  ``strong_negative``): lost patience scores low even without a single strong word (cue
  ``frustration:<P>``) and counts in the trend, while one message needs the lexicon or
  the cues too before it alone brings an offer of a person;
- the label is ``negative`` when the score is at or below ``negative_below``, or when
  the polarity head finds the message negative as people rate sentences (cue
  ``negative:<P>``): a calm complaint is negative, though no reason for a handoff."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from handoff.sentiment import NEGATIVE, Sentiment, SentimentScorer
from handoff.sentiment_head import SentimentHeads

SENTIMENT_KEY = "sentiment"
logger = logging.getLogger(__name__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SentimentAnalyzer(GraphComponent):
    """Scores each message with handoff.sentiment (VADER plus customer-service cues) and,
    with sentence vectors in the pipeline, the learned head."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"negative_below": -0.3, "positive_above": 0.3, "learned": True, "head_file": None,
                "learned_floor": -0.7}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentimentAnalyzer:
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._scorer = SentimentScorer(float(config["negative_below"]), float(config["positive_above"]))
        self._floor = float(config.get("learned_floor", -0.7))
        head_file = config.get("head_file")
        self._heads: Optional[SentimentHeads] = (
            SentimentHeads.load(Path(head_file) if head_file else None) if config.get("learned", True) else None)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            sentiment = self._scorer.score(message.get(TEXT) or "")
            vector = _sentence_vector(message) if self._heads is not None else None
            if vector is not None:
                sentiment = self._fold(sentiment, self._heads.frustration.negativity(vector),
                                       self._heads.polarity.negativity(vector))
            message.set(SENTIMENT_KEY, sentiment.as_dict(), add_to_output=True)
        return messages

    def _fold(self, sentiment: Sentiment, frustration: float, polarity: float) -> Sentiment:
        score = min(sentiment.score, max(1.0 - 2.0 * frustration, self._floor))
        cues = list(sentiment.cues) + ([f"frustration:{frustration:.2f}"] if frustration >= 0.5 else [])
        label = self._scorer.label(score)
        if polarity >= 0.5:
            cues.append(f"negative:{polarity:.2f}")
            label = NEGATIVE
        return Sentiment(score, label, cues)


def _sentence_vector(message: Message) -> Optional[np.ndarray]:
    """The sentence featurizer's vector, if the pipeline has one and it is not empty."""
    from bot.components.sentence_featurizer import sentence_vector

    vector = sentence_vector(message)
    return vector if vector is not None and vector.any() else None
