"""EmbeddingIntentClassifier: intents (FAQs included, by their retrieval key) from the
sentence vectors of bot.components.sentence_featurizer, with a calibrated coverage
score for every message (bot.components.coverage).

It runs after DIET and the ResponseSelector and takes the decision: its own
probabilities (logistic regression on pretrained sentence vectors generalise to
paraphrases far better than features learned from a few hundred examples), blended
with DIET's and the ResponseSelector's when ``diet_weight`` > 0. It writes:

- ``intent`` and ``intent_ranking`` (base intents: an FAQ is ``faq``), and the FAQ's
  answer under ``response_selector.faq`` (so the FAQ answered is the one it chose);
- ``coverage``: ``{"score", "in_scope", "threshold", "intent", "nearest"}``. A
  request of a gated intent (FAQs and tasks) whose coverage is below the threshold is
  not answered as if understood: its intent becomes ``out_of_scope`` (an honest "I
  can't help with that here", counted by the gray-area trigger). A message below the
  threshold that is not language the model knows (few known words, or close to
  nothing it was taught) becomes ``nlu_fallback`` ("I didn't understand"), whatever
  intent it landed in.

The threshold is picked at training time on cross-validated scores (data each model
did not see) to keep ``keep`` of the covered requests; ``threshold`` overrides it.
"""
from __future__ import annotations

import json
import logging
import pickle
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, PREDICTED_CONFIDENCE_KEY,
                                       TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.coverage import Calibration, IntentModel, calibrate, cross_validated
from bot.components.sentence_featurizer import VOCABULARY_SHARE, SentenceFeaturizer, sentence_vector

logger = logging.getLogger(__name__)
COVERAGE_KEY = "coverage"
FULL_RANKING_KEY = "full_intent_ranking"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EmbeddingIntentClassifier(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [SentenceFeaturizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "c": 10.0,                 # inverse regularisation of the logistic regression
            "diet_weight": 0.0,        # share of DIET/ResponseSelector in the blended probabilities
            "keep": 0.95,              # share of covered requests kept by the automatic threshold
            "threshold": None,         # a fixed coverage threshold instead of the automatic one
            "unintelligible_below": 0.3,  # nearest similarity to anything below this: nlu_fallback
            "known_words_below": 0.5,     # ...or a share of known words below this
            "out_of_scope_intents": ["out_of_scope"],
            "gated_intents": ["faq", "track_order", "book_appointment", "reschedule_appointment",
                              "cancel_appointment", "list_appointments", "bot_challenge"],
            "uncovered_intent": "out_of_scope",
            "unintelligible_intent": "nlu_fallback",
            "retrieval_intent": "faq",
            "ranking_length": 10,
        }

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> EmbeddingIntentClassifier:
        return cls(config, model_storage, resource)

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[IntentModel] = None, calibration: Optional[Calibration] = None,
                 responses: Optional[Dict[str, Any]] = None) -> None:
        self.config, self._storage, self._resource = config, model_storage, resource
        self.model, self.calibration, self.responses = model, calibration, responses or {}

    # -- training ---------------------------------------------------------------------------
    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        vectors = np.stack([_vector(m) for m in examples])
        names = [m.get(INTENT_RESPONSE_KEY) or m.get(INTENT) for m in examples]
        out_of_scope = list(self.config["out_of_scope_intents"])
        signals, targets = cross_validated(vectors, names, out_of_scope, float(self.config["c"]))
        self.calibration = calibrate(signals, targets, names, out_of_scope, float(self.config["keep"]))
        if self.config["threshold"] is not None:
            self.calibration.threshold = float(self.config["threshold"])
        self.model = IntentModel.fit(vectors, names, out_of_scope, float(self.config["c"]))
        self.responses = dict(training_data.responses)
        logger.info("coverage threshold %.3f keeps %.1f%% of covered requests and turns away %.1f%% of "
                    "out-of-scope ones (cross-validated)", self.calibration.threshold,
                    100 * self.calibration.held_out_recall, 100 * self.calibration.held_out_rejection)
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._storage.write_to(self._resource) as directory:
            with (directory / "model.pkl").open("wb") as handle:
                pickle.dump({"model": self.model, "calibration": self.calibration}, handle)
            (directory / "responses.json").write_text(json.dumps(self.responses))

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> EmbeddingIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                with (directory / "model.pkl").open("rb") as handle:
                    saved = pickle.load(handle)  # noqa: S301 - our own model file, written by train()
                responses = json.loads((directory / "responses.json").read_text())
        except ValueError:
            logger.warning("no trained EmbeddingIntentClassifier in this model; it will not classify")
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, saved["model"], saved["calibration"], responses)

    # -- inference --------------------------------------------------------------------------
    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None or self.calibration is None:
            return messages
        for message in messages:
            if message.get(TEXT) and message.features_present(TEXT):
                self._classify(message)
            else:  # nothing to read (an empty message): say so, never leave the intent unset
                message.set(COVERAGE_KEY, {"score": 0.0, "in_scope": False, "threshold":
                                           round(self.calibration.threshold, 4), "intent": None, "nearest": 0.0},
                            add_to_output=True)
                self._set_intent(message, [(self.config["unintelligible_intent"], 1.0)])
        return messages

    def _classify(self, message: Message) -> None:
        vector = _vector(message)[None, :]
        own = self.model.probabilities(vector)
        blended = self._blend(own[0], message)
        order = np.argsort(-blended)
        top = self.model.classes[order[0]]
        signals = self.model.signals(vector, own)
        score = float(self.calibration.score(signals)[0]) if vector.any() else 0.0
        nearest = float((vector @ self.model.vectors.T).max()) if vector.any() else 0.0
        base = top.split("/")[0]
        understood = score >= self.calibration.threshold
        unintelligible = not understood and (nearest < self.config["unintelligible_below"] or float(
            message.get(VOCABULARY_SHARE, 1.0)) < self.config.get("known_words_below", 0.5))
        in_scope = (not unintelligible and top not in self.config["out_of_scope_intents"]
                    and (understood or base not in self.config["gated_intents"]))
        message.set(COVERAGE_KEY, {"score": round(score, 4), "in_scope": in_scope,
                                   "threshold": round(self.calibration.threshold, 4), "intent": top,
                                   "nearest": round(nearest, 4)}, add_to_output=True)
        full = [(self.model.classes[i], float(blended[i])) for i in order]
        message.set(FULL_RANKING_KEY, [{"name": n, "confidence": round(p, 4)}
                                       for n, p in full[: self.config["ranking_length"]]], add_to_output=True)
        if not in_scope and top not in self.config["out_of_scope_intents"]:
            uncovered = self.config["unintelligible_intent"] if unintelligible else self.config["uncovered_intent"]
            self._set_intent(message, [(uncovered, 1.0 - score)] + _base_ranking(full, top))
            return
        self._set_intent(message, _base_ranking(full, top))
        if base == self.config["retrieval_intent"]:
            self._set_answer(message, full)

    def _blend(self, own: np.ndarray, message: Message) -> np.ndarray:
        weight = float(self.config["diet_weight"])
        if weight <= 0:
            return own
        other = np.zeros_like(own)
        base = {r.get("name"): float(r.get(PREDICTED_CONFIDENCE_KEY) or 0) for r in message.get(INTENT_RANKING_KEY) or []}
        selector = ((message.get("response_selector") or {}).get(self.config["retrieval_intent"]) or {})
        keys = {r.get(INTENT_RESPONSE_KEY): float(r.get(PREDICTED_CONFIDENCE_KEY) or 0)
                for r in selector.get("ranking") or []}
        for i, name in enumerate(self.model.classes):
            head = name.split("/")[0]
            other[i] = base.get(head, 0.0) * (keys.get(name, 0.0) if "/" in name else 1.0)
        return (1 - weight) * own + weight * other

    def _set_intent(self, message: Message, ranking: List[Any]) -> None:
        ranking = ranking[: self.config["ranking_length"]]
        message.set(INTENT, {"name": ranking[0][0], PREDICTED_CONFIDENCE_KEY: round(ranking[0][1], 4)},
                    add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": n, PREDICTED_CONFIDENCE_KEY: round(p, 4)} for n, p in ranking],
                    add_to_output=True)

    def _set_answer(self, message: Message, full: List[Any]) -> None:
        retrieval = self.config["retrieval_intent"]
        keys = [(n, p) for n, p in full if n.startswith(f"{retrieval}/")]
        key, confidence = keys[0]
        total = sum(p for _, p in keys) or 1.0
        utter = f"utter_{key}"
        selectors = message.get("response_selector") or {}
        selectors.setdefault("all_retrieval_intents", [retrieval])
        selectors[retrieval] = {
            "response": {"responses": self.responses.get(utter) or [{"text": key}],
                         PREDICTED_CONFIDENCE_KEY: round(confidence / total, 4), INTENT_RESPONSE_KEY: key,
                         "utter_action": utter},
            "ranking": [{INTENT_RESPONSE_KEY: n, PREDICTED_CONFIDENCE_KEY: round(p / total, 4)} for n, p in keys[:10]],
        }
        message.set("response_selector", selectors, add_to_output=True)


def _vector(message: Message) -> np.ndarray:
    vector = sentence_vector(message)
    if vector is None:
        raise ValueError("EmbeddingIntentClassifier needs SentenceFeaturizer before it in the pipeline")
    return vector


def _base_ranking(full: List[Any], top: str) -> List[Any]:
    """Base intents, the decided one first with its own probability (the decision is made
    on full intents: twenty FAQs of 3 % each do not outvote one intent of 40 %), then the
    others with their FAQ keys summed."""
    chosen = top.split("/")[0]
    merged: Dict[str, float] = {}
    for name, p in full:
        base = name.split("/")[0]
        if base != chosen:
            merged[base] = merged.get(base, 0.0) + p
    own = next(p for name, p in full if name == top)
    return [(chosen, own)] + sorted(merged.items(), key=lambda item: -item[1])
