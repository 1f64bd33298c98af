"""Knowing when the bot does not know: a calibrated coverage score for a message.

The intent model (logistic regression on sentence vectors) always names some
intent, and is often sure of it for messages it was never meant to answer. The
coverage score is the probability that the predicted intent is right *and* the
request is one the bot covers. It is computed from four signals of the message:

- the model's probability of the predicted intent and its margin over the next one;
- the cosine similarity to the nearest training examples of that intent (how close
  the message is to what this intent was taught with);
- the similarity to the nearest out-of-scope training example.

A small logistic regression turns them into a probability. It is fitted on
cross-validated predictions: every training example is scored by a model that did
not see it, so the calibration (and the threshold picked from it) reflects messages
the model was not trained on. Pure NumPy/scikit-learn: no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

SIGNALS = ("probability", "margin", "nearest", "nearest3", "nearest_out_of_scope")


def softmax_probabilities(regression: LogisticRegression, vectors: np.ndarray) -> np.ndarray:
    """What `predict_proba` answers for a multinomial model, without scikit-learn's input
    checks, which cost more than the product itself for one message per call."""
    one_vs_rest = regression.multi_class == "ovr" or (regression.multi_class == "auto"
                                                      and regression.solver == "liblinear")
    if len(regression.classes_) < 3 or one_vs_rest:
        return regression.predict_proba(vectors)
    scores = np.asarray(vectors, dtype=np.float64) @ regression.coef_.T + regression.intercept_
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


@dataclass
class IntentModel:
    """Logistic regression over normalised sentence vectors, plus the training vectors
    themselves for nearest-example similarities."""

    classes: List[str]
    regression: LogisticRegression
    vectors: np.ndarray        # (n, d) training vectors
    labels: np.ndarray         # (n,) index into classes
    out_of_scope: Tuple[int, ...]

    @classmethod
    def fit(cls, vectors: np.ndarray, names: Sequence[str], out_of_scope: Sequence[str], c: float) -> IntentModel:
        classes = sorted(set(names))
        labels = np.array([classes.index(n) for n in names])
        regression = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
        regression.fit(vectors, labels)
        return cls(classes, regression, vectors, labels, tuple(classes.index(n) for n in out_of_scope if n in classes))

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(m, len(classes)) probabilities, columns in the order of ``classes``."""
        full = np.zeros((len(vectors), len(self.classes)))
        full[:, self.regression.classes_] = softmax_probabilities(self.regression, vectors)
        return full

    def signals(self, vectors: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
        """(m, len(SIGNALS)) coverage signals of each message for its top intent."""
        similarity = vectors @ self.vectors.T
        order = np.argsort(-probabilities, axis=1)
        rows = []
        for i, ranked in enumerate(order):
            top, second = ranked[0], ranked[1] if len(ranked) > 1 else ranked[0]
            own = np.sort(similarity[i, self.labels == top])[::-1]
            outside = similarity[i, np.isin(self.labels, self.out_of_scope)]
            rows.append([probabilities[i, top], probabilities[i, top] - probabilities[i, second],
                         own[0] if len(own) else 0.0, own[:3].mean() if len(own) else 0.0,
                         outside.max() if len(outside) else 0.0])
        return np.array(rows)


@dataclass
class Calibration:
    regression: LogisticRegression
    threshold: float           # coverage below this: not covered
    held_out_recall: float     # share of correctly predicted covered examples kept at the threshold (CV)
    held_out_rejection: float  # share of out-of-scope examples below the threshold (CV)

    def score(self, signals: np.ndarray) -> np.ndarray:
        return self.regression.predict_proba(signals)[:, 1]


def cross_validated(vectors: np.ndarray, names: Sequence[str], out_of_scope: Sequence[str], c: float,
                    folds: int = 5, seed: int = 7) -> Tuple[np.ndarray, np.ndarray]:
    """Signals of every example from a model that did not see it, and whether its
    prediction was right for a covered request (1) or not (0)."""
    names = np.asarray(names)
    counts = {n: int((names == n).sum()) for n in set(names)}
    splittable = np.array([counts[n] >= folds for n in names])
    signals, targets = [], []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    index = np.flatnonzero(splittable)
    for train, test in splitter.split(vectors[index], names[index]):
        train_rows = np.concatenate([index[train], np.flatnonzero(~splittable)])
        model = IntentModel.fit(vectors[train_rows], list(names[train_rows]), out_of_scope, c)
        test_rows = index[test]
        probabilities = model.probabilities(vectors[test_rows])
        predicted = [model.classes[i] for i in probabilities.argmax(axis=1)]
        signals.append(model.signals(vectors[test_rows], probabilities))
        targets.extend(int(p == t and t not in out_of_scope) for p, t in zip(predicted, names[test_rows]))
    return np.vstack(signals), np.array(targets)


def calibrate(signals: np.ndarray, targets: np.ndarray, names: Sequence[str], out_of_scope: Sequence[str],
              keep: float) -> Calibration:
    """Fit the calibration and pick the highest threshold that keeps at least ``keep`` of
    the correctly predicted covered examples (all measured on cross-validated signals)."""
    regression = LogisticRegression(C=1.0, max_iter=1000)
    regression.fit(signals, targets)
    scores = regression.predict_proba(signals)[:, 1]
    positives = np.sort(scores[targets == 1])
    threshold = float(positives[int(np.floor((1 - keep) * len(positives)))]) if len(positives) else 0.5
    outside = np.isin(np.asarray(names), list(out_of_scope))
    rejection = float((scores[outside] < threshold).mean()) if outside.any() else float("nan")
    recall = float((positives >= threshold).mean()) if len(positives) else float("nan")
    return Calibration(regression, threshold, recall, rejection)
