"""The pretrained sentence model, its featurizer and the coverage calibration."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.components.coverage import IntentModel, calibrate, cross_validated
from bot.components.sentence_model import DIMENSIONS, SentenceModel, SentenceModelError, default_paths


@pytest.fixture(scope="module")
def model() -> SentenceModel:
    return SentenceModel.load()


def test_the_pinned_files_load_and_paraphrases_are_closer_than_unrelated_text(model: SentenceModel) -> None:
    vectors = model.sentences(["where is my parcel", "has my package been shipped yet", "tell me a joke"])
    assert vectors.shape == (3, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_word_pieces_keep_their_character_spans(model: SentenceModel) -> None:
    encoded = model.encode(["hello asdfghjkl"])[0]
    assert encoded.offsets[0] == (0, 5) and len(encoded.offsets) > 2
    assert encoded.tokens.shape == (len(encoded.offsets), DIMENSIONS)


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    model_file, tokenizer_file = default_paths()
    fake = tmp_path / "model.onnx"
    fake.write_bytes(model_file.read_bytes()[:1000])
    with pytest.raises(SentenceModelError, match="sha256"):
        SentenceModel.load(str(fake), str(tokenizer_file), model_sha256="8199be6f" + "0" * 56)
    with pytest.raises(SentenceModelError, match="does not exist"):
        SentenceModel.load(str(tmp_path / "missing.onnx"), str(tokenizer_file))
    with pytest.raises(SentenceModelError, match="both"):
        SentenceModel.load(str(fake), None)


def test_known_word_share_tells_language_from_keyboard_mashing(model: SentenceModel) -> None:
    from rasa.nlu.tokenizers.tokenizer import Token

    from bot.components.sentence_featurizer import _known_share

    def share(text: str) -> float:
        tokens, start = [], 0
        for word in text.split():
            start = text.index(word, start)
            tokens.append(Token(word, start))
            start += len(word)
        return _known_share(model.encode([text])[0], tokens)

    assert share("where is my order please") == 1.0
    assert share("asdfghjkl qwzxv") == 0.0
    assert share("order 10001") == 1.0  # numbers are not words


def _toy() -> tuple:
    rng = np.random.default_rng(3)
    centres = {name: rng.normal(size=16) for name in ("a", "b", "c", "out_of_scope")}
    names, rows = [], []
    for name, centre in centres.items():
        for _ in range(30):
            rows.append(centre + rng.normal(scale=0.6, size=16))
            names.append(name)
    vectors = np.array(rows)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), names


def test_the_threshold_keeps_the_asked_share_of_covered_examples_on_held_out_folds() -> None:
    vectors, names = _toy()
    signals, targets = cross_validated(vectors, names, ["out_of_scope"], c=10.0)
    assert len(signals) == len(names) and targets.sum() > 60
    calibration = calibrate(signals, targets, names, ["out_of_scope"], keep=0.9)
    assert calibration.held_out_recall >= 0.9
    scores = calibration.score(signals)
    assert scores[targets == 1].mean() > scores[targets == 0].mean()


def test_the_intent_model_names_classes_and_similarities() -> None:
    vectors, names = _toy()
    model = IntentModel.fit(vectors, names, ["out_of_scope"], c=10.0)
    probabilities = model.probabilities(vectors[:2])
    assert probabilities.shape == (2, 4) and np.allclose(probabilities.sum(axis=1), 1.0)
    signals = model.signals(vectors[:2], probabilities)
    assert signals.shape == (2, 5) and np.allclose(signals[:, 2], 1.0, atol=1e-6)  # nearest: itself


def test_softmax_probabilities_are_scikit_learns() -> None:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from bot.components.coverage import softmax_probabilities

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(300, 16))
    labels = rng.integers(0, 5, size=300)
    for regression in (LogisticRegression(C=30.0, max_iter=2000), LogisticRegression(solver="liblinear"),
                       LogisticRegression(multi_class="ovr")):
        regression.fit(vectors, labels)
        queries = rng.normal(size=(7, 16))
        assert np.allclose(softmax_probabilities(regression, queries), regression.predict_proba(queries))
    binary = LogisticRegression().fit(vectors, labels % 2)
    assert np.allclose(softmax_probabilities(binary, vectors[:3]), binary.predict_proba(vectors[:3]))
