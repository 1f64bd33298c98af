"""The sentiment benchmark scores every message with a head that never saw it, and
combines the scores exactly as the assistant does."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.sentiment_eval.alternatives import read_project
from bench.sentiment_eval.protocols import cross_set, cross_validated
from bench.sentiment_eval.scorers import SCORERS, Scored, fold, predictions
from handoff.sentiment import NEGATIVE, NEUTRAL, Sentiment


def _opposite_sets(n: int = 80) -> tuple:
    """Tweets negative along +x, reviews negative along -x: a head only learns one of them."""
    rng = np.random.default_rng(3)
    x = rng.choice([-1.0, 1.0], size=2 * n)
    vectors = np.stack([x, rng.normal(0, 0.1, 2 * n)], axis=1)
    sources = np.array(["tweets"] * n + ["reviews"] * n)
    negative = np.where(sources == "tweets", x > 0, x < 0)
    return vectors, negative, sources


def test_cross_set_scores_each_set_with_the_head_of_the_other() -> None:
    vectors, negative, sources = _opposite_sets()
    p = cross_set(vectors, negative, sources)
    assert np.mean((p >= 0.5) == negative) < 0.05  # the other set's rule, so nearly always wrong


def test_cross_validation_scores_each_message_from_a_fold_that_held_it_out() -> None:
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(100, 2))
    negative = vectors[:, 0] > 0
    p = cross_validated(vectors, negative)
    assert np.mean((p >= 0.5) == negative) > 0.9
    # One dimension per message and random labels: a head that saw a message remembers it,
    # a head that did not can only guess.
    labels = rng.random(100) > 0.5
    assert np.mean((cross_validated(np.eye(100), labels) >= 0.5) == labels) < 0.7


def test_the_combined_label_is_the_assistants_fold() -> None:
    calm, cross = Sentiment(0.2, NEUTRAL, []), Sentiment(-0.5, NEGATIVE, ["verdict"])
    folded = fold([calm, calm, cross], np.array([0.9, 0.6, 0.1]))
    assert [round(s.score, 2) for s in folded] == [-0.8, -0.2, -0.5]
    assert [s.label for s in folded] == [NEGATIVE, NEUTRAL, NEGATIVE]
    assert "learned:0.90" in folded[0].cues


def test_each_scorer_has_its_own_cut() -> None:
    scored = Scored(np.array([-0.06, -0.04, 0.5]), [Sentiment(-0.3, NEGATIVE), Sentiment(0.0, NEUTRAL),
                                                    Sentiment(0.1, NEUTRAL)], np.zeros((3, 384)), {})
    calls = predictions(scored, np.array([0.5, 0.49, 0.7]))
    assert [list(calls[name]) for name in SCORERS] == [
        [True, False, False], [True, False, False], [True, False, True], [True, False, True]]


def test_project_examples_are_labelled_by_intent(tmp_path: Path) -> None:
    (tmp_path / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: track_order\n  examples: |\n    - where is parcel [123](order_number)\n'
        "- intent: complain\n  examples: |\n    - I want to make a complaint\n"
        "- intent: request_human\n  examples: |\n    - a person please\n")
    project = read_project(tmp_path)
    assert project.texts == ["where is parcel 123", "I want to make a complaint"]
    assert list(project.negative) == [False, True]
