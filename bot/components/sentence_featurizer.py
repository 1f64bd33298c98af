"""SentenceFeaturizer: dense features from a pretrained sentence encoder
(bot.components.sentence_model), for DIET, the ResponseSelector and the
embedding classifier.

Each message gets a sentence feature (the normalised sentence vector) and sequence
features (per whitespace token, the mean of the states of the word pieces inside
it), so it can stand next to the sparse featurizers. A message the model cannot
encode gets zero vectors (the coverage scorer then treats it as not covered) and the
reason is logged once per process, not per message.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.sentence_model import DIMENSIONS, Encoded, SentenceModel

logger = logging.getLogger(__name__)
# Share of the message's words the model's vocabulary knows whole (one word piece):
# about 1 for English, about 0 for keyboard mashing ("asdfgh", "blorp snazzle").
VOCABULARY_SHARE = "vocabulary_share"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_path": None, "tokenizer_path": None,
                "model_sha256": None, "tokenizer_sha256": None}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["onnxruntime", "tokenizers"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        for key in ("model_path", "tokenizer_path", "model_sha256", "tokenizer_sha256"):
            if config.get(key) is not None and not isinstance(config[key], str):
                raise ValueError(f"bot/config.yml: SentenceFeaturizer '{key}' must be a path or hash as text")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentenceFeaturizer:
        return cls(config, execution_context.node_name)

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._model = SentenceModel.load(config.get("model_path"), config.get("tokenizer_path"),
                                         config.get("model_sha256"), config.get("tokenizer_sha256"))
        self._warned = False

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        examples = [m for m in training_data.training_examples if m.get(TEXT)]
        self._featurize(examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize([m for m in messages if m.get(TEXT)])
        return messages

    def _featurize(self, messages: List[Message]) -> None:
        if not messages:
            return
        try:
            encoded: List[Optional[Encoded]] = list(self._model.encode([m.get(TEXT) for m in messages]))
        except Exception as exc:  # noqa: BLE001 - one bad batch must not stop the bot
            self._warn(exc)
            encoded = [self._one(m.get(TEXT)) for m in messages]
        for message, item in zip(messages, encoded):
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            if item is None:
                sequence, sentence = np.zeros((len(tokens), DIMENSIONS), np.float32), np.zeros((1, DIMENSIONS), np.float32)
            else:
                sequence, sentence = _per_token(item, tokens), item.sentence[None, :]
                message.set(VOCABULARY_SHARE, _known_share(item, tokens))
            self.add_features_to_message(sequence, sentence, TEXT, message)

    def _one(self, text: str) -> Optional[Encoded]:
        try:
            return self._model.encode([text])[0]
        except Exception as exc:  # noqa: BLE001
            self._warn(exc)
            return None

    def _warn(self, exc: Exception) -> None:
        if not self._warned:
            self._warned = True
            logger.error("the sentence model could not encode a message (%r); such messages count as not "
                         "covered. This is logged once.", exc)


def _per_token(item: Encoded, tokens: List[Any]) -> np.ndarray:
    """The mean state of the word pieces inside each whitespace token (the sentence vector
    for a token the model did not read, beyond its length limit)."""
    rows = []
    for token in tokens:
        inside = [i for i, (start, end) in enumerate(item.offsets) if start < token.end and end > token.start]
        rows.append(item.tokens[inside].mean(axis=0) if inside else item.sentence)
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, DIMENSIONS), np.float32)


def _known_share(item: Encoded, tokens: List[Any]) -> float:
    """Of the words made only of letters, the share that are one word piece."""
    words = [t for t in tokens if t.text.isalpha()]
    if not words:
        return 1.0
    known = sum(1 for t in words if sum(1 for start, end in item.offsets if start < t.end and end > t.start) == 1)
    return known / len(words)


def sentence_vector(message: Message) -> Optional[np.ndarray]:
    """The message's normalised sentence vector from this featurizer (the last DIMENSIONS
    columns of its dense sentence features), or None when the message has none."""
    _, sentence = message.get_dense_features(TEXT)
    if sentence is None:
        return None
    vector = np.asarray(sentence.features).reshape(-1)[-DIMENSIONS:]
    if len(vector) != DIMENSIONS:
        return None
    norm = np.linalg.norm(vector)
    return vector / norm if norm > 0 else vector
