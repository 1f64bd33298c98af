"""The scorers, run once over a set of messages: plain VADER, the lexicon with
customer-service cues (handoff.sentiment), each learned head alone, and the two heads
folded with the lexicon exactly as handoff.nlu.SentimentAnalyzer does, read two ways:
by the label it sets, and by the score the handoff triggers read. Each is timed per
message the way the assistant runs it: one message at a time."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence, TypeVar

import numpy as np

from handoff.sentiment import NEGATIVE, Sentiment, SentimentScorer, _vader
from handoff.sentiment_head import SentimentHead, SentimentHeads

VADER_CUT = -0.05  # VADER's own convention for "negative"
HEAD_CUT = 0.5
FRUSTRATED = -0.3  # the combined score at or below this: what the triggers count as negative
SCORERS = ("VADER (compound < -0.05)", "lexicon + cues (label)", "polarity head (P >= 0.5)",
           "frustration head (P >= 0.5)", "combined (label)", "combined (score <= -0.3, frustrated)")
T = TypeVar("T")


@dataclass(frozen=True)
class Scored:
    """What does not depend on a trained head, computed once per message."""

    compound: np.ndarray             # VADER's compound score
    lexicon: List[Sentiment]         # handoff.sentiment's score, label and cues
    vectors: np.ndarray              # (n, 384) sentence vectors, as the featurizer makes them
    ms: Dict[str, float]             # "vader", "lexicon", "embedding": ms per message


@dataclass(frozen=True)
class Negativity:
    """Each message's P(negative) from the polarity and the frustration head."""

    polarity: np.ndarray
    frustration: np.ndarray


def _timed(function: Callable[[str], T], texts: Sequence[str]) -> tuple:
    started = time.perf_counter()
    results = [function(text) for text in texts]
    return results, (time.perf_counter() - started) * 1000 / max(len(texts), 1)


def score_fixed(texts: Sequence[str]) -> Scored:
    from bot.components.sentence_model import SentenceModel

    vader, scorer, model = _vader(), SentimentScorer(), SentenceModel.load()
    compound, vader_ms = _timed(lambda t: vader.polarity_scores(t)["compound"], texts)
    lexicon, lexicon_ms = _timed(scorer.score, texts)
    vectors, embedding_ms = _timed(lambda t: model.sentences([t])[0], texts)
    return Scored(np.array(compound), lexicon, np.stack(vectors),
                  {"vader": vader_ms, "lexicon": lexicon_ms, "embedding": embedding_ms})


def fold(sentiments: Sequence[Sentiment], p: Negativity) -> List[Sentiment]:
    """The assistant's own combination (handoff.nlu.SentimentAnalyzer._fold)."""
    from handoff.nlu import SentimentAnalyzer

    analyzer = SentimentAnalyzer({**SentimentAnalyzer.get_default_config(), "learned": False})
    return [analyzer._fold(sentiment, float(frustration), float(polarity))
            for sentiment, frustration, polarity in zip(sentiments, p.frustration, p.polarity)]


def negativity(head: SentimentHead, vectors: np.ndarray) -> np.ndarray:
    return np.array([head.negativity(vector) for vector in vectors])


def shipped(heads: SentimentHeads, vectors: np.ndarray) -> Negativity:
    return Negativity(negativity(heads.polarity, vectors), negativity(heads.frustration, vectors))


def predictions(scored: Scored, p: Negativity) -> Dict[str, np.ndarray]:
    """Each scorer's negative calls; p comes from heads not trained on these messages."""
    combined = fold(scored.lexicon, p)
    return {
        SCORERS[0]: scored.compound < VADER_CUT,
        SCORERS[1]: np.array([s.label == NEGATIVE for s in scored.lexicon]),
        SCORERS[2]: p.polarity >= HEAD_CUT,
        SCORERS[3]: p.frustration >= HEAD_CUT,
        SCORERS[4]: np.array([s.label == NEGATIVE for s in combined]),
        SCORERS[5]: np.array([s.score <= FRUSTRATED for s in combined]),
    }


def ms_per_message(scored: Scored, heads: SentimentHeads) -> Dict[str, float]:
    fold([], Negativity(np.zeros(0), np.zeros(0)))  # the assistant's component is imported once, not per message
    one_head = _ms(lambda: negativity(heads.polarity, scored.vectors), len(scored.lexicon))
    combined = scored.ms["embedding"] + scored.ms["lexicon"] + _ms(
        lambda: fold(scored.lexicon, shipped(heads, scored.vectors)), len(scored.lexicon))
    return {
        SCORERS[0]: scored.ms["vader"],
        SCORERS[1]: scored.ms["lexicon"],
        SCORERS[2]: scored.ms["embedding"] + one_head,
        SCORERS[3]: scored.ms["embedding"] + one_head,
        SCORERS[4]: combined,
        SCORERS[5]: combined,
    }


def _ms(work: Callable[[], object], n: int) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000 / max(n, 1)
