"""Where each message's P(negative) comes from: always a head that never saw it.

On VADER's sets the heads are fitted per split with handoff.sentiment_training's own
fitting: across sets (trained on tweets -> scored on reviews, and the reverse) and by
5-fold cross-validation on both sets together (the same folds as the training report).
On the customer-service set it is the shipped head, which was trained on VADER only."""
from __future__ import annotations

from typing import Dict

import numpy as np

from bench.sentiment_eval.scorers import negativity
from handoff.sentiment_head import SentimentHead
from handoff.sentiment_training import _fit

FOLDS, SEED = 5, 7


def _head(vectors: np.ndarray, negative: np.ndarray) -> SentimentHead:
    weights, bias = _fit(vectors, negative)
    return SentimentHead(weights, bias)


def cross_set(vectors: np.ndarray, negative: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """P(negative) of every message from the head trained on the other set."""
    p = np.zeros(len(negative))
    for train, test in (("tweets", "reviews"), ("reviews", "tweets")):
        head = _head(vectors[sources == train], negative[sources == train])
        p[sources == test] = negativity(head, vectors[sources == test])
    return p


def cross_validated(vectors: np.ndarray, negative: np.ndarray) -> np.ndarray:
    """P(negative) of every message from the head of the fold that held it out."""
    from sklearn.model_selection import StratifiedKFold

    p = np.zeros(len(negative))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(vectors, negative):
        p[test] = negativity(_head(vectors[train], negative[train]), vectors[test])
    return p


def vader_protocols(vectors: np.ndarray, negative: np.ndarray, sources: np.ndarray) -> Dict[str, np.ndarray]:
    return {"cross-set": cross_set(vectors, negative, sources),
            f"{FOLDS}-fold CV": cross_validated(vectors, negative)}
