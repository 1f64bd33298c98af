"""The four scorers, run once over a set of messages: plain VADER, the lexicon with
customer-service cues (handoff.sentiment), the learned head, and the two combined
exactly as handoff.nlu.SentimentAnalyzer folds them. Each is timed per message the
way the assistant runs it: one message at a time."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence, TypeVar

import numpy as np

from handoff.sentiment import NEGATIVE, Sentiment, SentimentScorer, _vader
from handoff.sentiment_head import SentimentHead

VADER_CUT = -0.05  # VADER's own convention for "negative"
HEAD_CUT = 0.5
SCORERS = ("VADER (compound < -0.05)", "lexicon + cues (label)", "head (P >= 0.5)", "combined (label)")
T = TypeVar("T")


@dataclass(frozen=True)
class Scored:
    """What does not depend on a trained head, computed once per message."""

    compound: np.ndarray             # VADER's compound score
    lexicon: List[Sentiment]         # handoff.sentiment's score, label and cues
    vectors: np.ndarray              # (n, 384) sentence vectors, as the featurizer makes them
    ms: Dict[str, float]             # "vader", "lexicon", "embedding": ms per message


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


def fold(sentiments: Sequence[Sentiment], negativity: np.ndarray) -> List[Sentiment]:
    """The assistant's own combination (handoff.nlu.SentimentAnalyzer._fold)."""
    from handoff.nlu import SentimentAnalyzer

    analyzer = SentimentAnalyzer({**SentimentAnalyzer.get_default_config(), "learned": False})
    return [analyzer._fold(sentiment, float(p)) for sentiment, p in zip(sentiments, negativity)]


def negativity(head: SentimentHead, vectors: np.ndarray) -> np.ndarray:
    return np.array([head.negativity(vector) for vector in vectors])


def predictions(scored: Scored, p_negative: np.ndarray) -> Dict[str, np.ndarray]:
    """Each scorer's negative calls; p_negative comes from a head not trained on these messages."""
    combined = fold(scored.lexicon, p_negative)
    return {
        SCORERS[0]: scored.compound < VADER_CUT,
        SCORERS[1]: np.array([s.label == NEGATIVE for s in scored.lexicon]),
        SCORERS[2]: p_negative >= HEAD_CUT,
        SCORERS[3]: np.array([s.label == NEGATIVE for s in combined]),
    }


def ms_per_message(scored: Scored, head_and_fold_ms: float) -> Dict[str, float]:
    return {
        SCORERS[0]: scored.ms["vader"],
        SCORERS[1]: scored.ms["lexicon"],
        SCORERS[2]: scored.ms["embedding"] + head_and_fold_ms,
        SCORERS[3]: scored.ms["embedding"] + scored.ms["lexicon"] + head_and_fold_ms,
    }


def head_and_fold_ms(head: SentimentHead, scored: Scored) -> float:
    started = time.perf_counter()
    fold(scored.lexicon, negativity(head, scored.vectors))
    return (time.perf_counter() - started) * 1000 / max(len(scored.lexicon), 1)
