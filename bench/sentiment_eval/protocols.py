"""Where each message's P(negative) comes from: always heads that never saw it.

On VADER's sets both heads are refitted per split with handoff.sentiment_training's own
fitting and data: across sets (trained on tweets -> scored on reviews, and the reverse)
and by 5-fold cross-validation on both sets together (the folds of the training report).
The polarity head learns from the split's VADER sentences alone; the frustration head
also from the project's customer-service messages (weighted ``CS_WEIGHT``), which stay
on the training side of every split. On the customer-service set and the held-out
requests it is the shipped heads, which were never trained on them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict

import numpy as np

from bench.sentiment_eval.scorers import Negativity, negativity
from handoff.sentiment_head import SentimentHead, SentimentHeads
from handoff.sentiment_training import CS_WEIGHT, _fit

FOLDS, SEED = 5, 7


@dataclass(frozen=True)
class ServiceRows:
    """The project's customer-service messages the frustration head also learns from."""

    vectors: np.ndarray
    negative: np.ndarray


def fit_heads(vectors: np.ndarray, negative: np.ndarray, service: ServiceRows) -> SentimentHeads:
    """Both heads, as handoff.sentiment_training fits them, from these VADER rows."""
    polarity = SentimentHead(*_fit(vectors, negative, np.ones(len(negative))))
    both = np.vstack([vectors, service.vectors])
    weights = np.concatenate([np.ones(len(negative)), np.full(len(service.negative), CS_WEIGHT)])
    frustration = SentimentHead(*_fit(both, np.concatenate([negative, service.negative]), weights))
    return SentimentHeads(polarity, frustration)


def _score(heads: SentimentHeads, vectors: np.ndarray) -> Negativity:
    return Negativity(negativity(heads.polarity, vectors), negativity(heads.frustration, vectors))


def _empty(n: int) -> Negativity:
    return Negativity(np.full(n, np.nan), np.full(n, np.nan))


def _put(into: Negativity, where: np.ndarray, values: Negativity) -> None:
    into.polarity[where], into.frustration[where] = values.polarity, values.frustration


def cross_set(vectors: np.ndarray, negative: np.ndarray, sources: np.ndarray, service: ServiceRows) -> Negativity:
    """P(negative) of every VADER message from the heads trained on the other set."""
    p = _empty(len(negative))
    for train, test in (("tweets", "reviews"), ("reviews", "tweets")):
        heads = fit_heads(vectors[sources == train], negative[sources == train], service)
        _put(p, sources == test, _score(heads, vectors[sources == test]))
    return p


def cross_validated(vectors: np.ndarray, negative: np.ndarray, service: ServiceRows) -> Negativity:
    """P(negative) of every VADER message from the heads of the fold that held it out."""
    from sklearn.model_selection import StratifiedKFold

    p = _empty(len(negative))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(vectors, negative):
        _put(p, test, _score(fit_heads(vectors[train], negative[train], service), vectors[test]))
    return p


def vader_protocols(vectors: np.ndarray, negative: np.ndarray, sources: np.ndarray,
                    service: ServiceRows) -> Dict[str, Negativity]:
    return {"cross-set": cross_set(vectors, negative, sources, service),
            f"{FOLDS}-fold CV": cross_validated(vectors, negative, service)}
