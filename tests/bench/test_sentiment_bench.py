"""The sentiment benchmark scores every message with heads that never saw it, keeps the
customer-service messages on the training side of every split, and combines the scores
exactly as the assistant does."""
from __future__ import annotations

from typing import List

import numpy as np
import pytest

import bench.sentiment_eval.protocols as protocols
from bench.sentiment_eval.data import close_to
from bench.sentiment_eval.protocols import ServiceRows, cross_set, cross_validated, fit_heads
from bench.sentiment_eval.routine import share_lines
from bench.sentiment_eval.scorers import SCORERS, Negativity, Scored, fold, predictions
from handoff.sentiment import NEGATIVE, NEUTRAL, Sentiment
from handoff.sentiment_training import CS_WEIGHT

NO_SERVICE = ServiceRows(np.zeros((0, 2)), np.zeros(0, dtype=bool))


def _opposite_sets(n: int = 80) -> tuple:
    """Tweets negative along +x, reviews negative along -x: a head only learns one of them."""
    rng = np.random.default_rng(3)
    x = rng.choice([-1.0, 1.0], size=2 * n)
    vectors = np.stack([x, rng.normal(0, 0.1, 2 * n)], axis=1)
    sources = np.array(["tweets"] * n + ["reviews"] * n)
    negative = np.where(sources == "tweets", x > 0, x < 0)
    return vectors, negative, sources


def test_cross_set_scores_each_set_with_the_heads_of_the_other() -> None:
    vectors, negative, sources = _opposite_sets()
    p = cross_set(vectors, negative, sources, NO_SERVICE)
    # The other set's rule, so nearly always wrong, for both heads.
    assert np.mean((p.polarity >= 0.5) == negative) < 0.05
    assert np.mean((p.frustration >= 0.5) == negative) < 0.05


def test_cross_validation_scores_each_message_from_a_fold_that_held_it_out() -> None:
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(100, 2))
    negative = vectors[:, 0] > 0
    p = cross_validated(vectors, negative, NO_SERVICE)
    assert np.mean((p.polarity >= 0.5) == negative) > 0.9
    # One dimension per message and random labels: a head that saw a message remembers it,
    # a head that did not can only guess.
    labels = rng.random(100) > 0.5
    held_out = cross_validated(np.eye(100), labels, ServiceRows(np.zeros((0, 100)), np.zeros(0, dtype=bool)))
    assert np.mean((held_out.polarity >= 0.5) == labels) < 0.7
    assert np.mean((held_out.frustration >= 0.5) == labels) < 0.7


@pytest.mark.parametrize("protocol", ["cross-set", "5-fold"])
def test_every_split_fits_both_heads_without_the_scored_rows_and_with_every_service_row(
        protocol: str, monkeypatch: pytest.MonkeyPatch) -> None:
    vectors, negative, sources = _opposite_sets(20)
    ids = np.arange(len(negative), dtype=float)[:, None]  # column 0 names each row
    vader = np.hstack([ids, vectors])
    service = ServiceRows(np.hstack([-1.0 - np.arange(6, dtype=float)[:, None], np.ones((6, 2))]),
                          np.array([True, False] * 3))
    fits: List[tuple] = []
    real_fit = protocols._fit

    def recording_fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple:
        fits.append((set(x[:, 0]), w.copy()))
        return real_fit(x, y, w)

    monkeypatch.setattr(protocols, "_fit", recording_fit)
    p = (cross_set(vader, negative, sources, service) if protocol == "cross-set"
         else cross_validated(vader, negative, service))
    assert not np.isnan(p.polarity).any() and not np.isnan(p.frustration).any()  # every row scored
    polarity, frustration = fits[0::2], fits[1::2]
    assert len(polarity) == len(frustration) == (2 if protocol == "cross-set" else 5)
    service_ids = set(service.vectors[:, 0])
    for (pol_rows, pol_w), (fru_rows, fru_w) in zip(polarity, frustration):
        assert not pol_rows & service_ids and set(pol_w) == {1.0}
        assert fru_rows == pol_rows | service_ids
        assert sorted(set(fru_w)) == [1.0, CS_WEIGHT]
    # Each VADER row is held out by exactly one split.
    held_out = [set(ids[:, 0]) - rows for rows, _ in polarity]
    assert sorted(i for rows in held_out for i in rows) == list(ids[:, 0])


def test_service_rows_move_the_frustration_head_only() -> None:
    vectors, negative, _ = _opposite_sets(40)
    calm = ServiceRows(np.tile([1.0, 0.0], (200, 1)), np.zeros(200, dtype=bool))
    heads = fit_heads(vectors, negative, calm)
    alone = fit_heads(vectors, negative, NO_SERVICE)
    point = np.array([1.0, 0.0])
    assert heads.polarity.negativity(point) == pytest.approx(alone.polarity.negativity(point))
    assert heads.frustration.negativity(point) < alone.frustration.negativity(point) - 0.2


def test_the_combined_label_and_score_are_the_assistants_fold() -> None:
    calm, cross = Sentiment(0.2, NEUTRAL, []), Sentiment(-0.5, NEGATIVE, ["verdict"])
    folded = fold([calm, calm, calm, cross], Negativity(polarity=np.array([0.2, 0.7, 0.1, 0.1]),
                                                        frustration=np.array([0.9, 0.6, 0.1, 0.1])))
    assert [round(s.score, 2) for s in folded] == [-0.7, -0.2, 0.2, -0.5]  # the heads alone stop at -0.7
    assert [s.label for s in folded] == [NEGATIVE, NEGATIVE, NEUTRAL, NEGATIVE]
    assert "frustration:0.90" in folded[0].cues and "negative:0.70" in folded[1].cues


def test_each_scorer_has_its_own_cut() -> None:
    lexicon = [Sentiment(-0.3, NEGATIVE), Sentiment(0.0, NEUTRAL), Sentiment(0.1, NEUTRAL), Sentiment(0.1, NEUTRAL)]
    scored = Scored(np.array([-0.06, -0.04, 0.5, 0.5]), lexicon, np.zeros((4, 384)), {})
    calls = predictions(scored, Negativity(polarity=np.array([0.5, 0.49, 0.7, 0.1]),
                                           frustration=np.array([0.1, 0.5, 0.1, 0.7])))
    assert [list(calls[name]) for name in SCORERS] == [
        [True, False, False, False],   # VADER
        [True, False, False, False],   # lexicon + cues
        [True, False, True, False],    # polarity head
        [False, True, False, True],    # frustration head
        [True, False, True, True],     # combined label: polarity, or score <= -0.3
        [True, False, False, True],    # combined score: 1 - 2 * 0.7 = -0.4
    ]


def test_held_out_shares_are_per_category() -> None:
    low, mid, calm = Sentiment(-0.8, NEGATIVE), Sentiment(-0.4, NEGATIVE), Sentiment(0.0, NEGATIVE)
    lines = share_lines(["covered", "covered", "covered", "covered", "complaint", "gibberish"],
                        [low, mid, calm, Sentiment(0.0, NEUTRAL), mid, low], -0.75)
    assert lines == ["| covered (routine) | 4 | 75.0% | 50.0% | 25.0% |",
                     "| complaint | 1 | 100.0% | 100.0% | 0.0% |",
                     "| asks for a person | 0 | - | - | - |"]


def test_close_to_catches_copies_and_rewordings_only() -> None:
    trained = ["thanks for nothing", "I'm never ordering from here again"]
    assert close_to(["Thanks for NOTHING!", "never ordering from here again", "where is my parcel"], trained) == [
        True, True, False]

