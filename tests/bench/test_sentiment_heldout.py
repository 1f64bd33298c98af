"""The labelled customer-service sentiment set is well formed, balanced, and never trained on."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List

import pytest

from bench.nlu_eval.dataset import normalise, training_sentences
from bench.sentiment_eval import SentimentBenchError
from bench.sentiment_eval.data import Labelled, load_customer_service, parse_message


@pytest.fixture(scope="module")
def messages() -> List[Labelled]:
    return load_customer_service()


@pytest.fixture(scope="module")
def trained() -> Dict[str, str]:
    return training_sentences()


def test_no_labelled_message_appears_in_the_training_data(messages: List[Labelled], trained: Dict[str, str]) -> None:
    leaked = sorted({m.text for m in messages if normalise(m.text) in trained})
    assert not leaked, f"labelled sentiment messages found in data/ (rewrite them in bench/data/): {leaked}"


def test_messages_are_unique(messages: List[Labelled]) -> None:
    counts = Counter(normalise(m.text) for m in messages)
    assert [text for text, n in counts.items() if n > 1] == []


def test_the_set_is_large_and_about_half_negative(messages: List[Labelled]) -> None:
    negative = sum(m.negative for m in messages)
    assert len(messages) >= 240
    assert 0.40 <= negative / len(messages) <= 0.50
    assert {m.source for m in messages} == {"customer_service"}


@pytest.mark.parametrize("raw, message", [
    ({"text": "late again"}, "write it as"),
    ({"text": "late again", "negative": True, "label": "angry"}, "write it as"),
    ({"text": "  ", "negative": True}, "non-empty string"),
    ({"text": "late again", "negative": "yes"}, "must be true or false"),
    ("late again", "write it as"),
])
def test_a_malformed_message_is_rejected_with_what_to_fix(raw: object, message: str) -> None:
    with pytest.raises(SentimentBenchError, match=message):
        parse_message(raw, 0)


def test_a_file_without_version_and_messages_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text("items:\n- {text: hi, negative: false}\n")
    with pytest.raises(SentimentBenchError, match="expected 'version: 1'"):
        load_customer_service(path)


def test_no_labelled_message_is_among_the_sentiment_heads_training_messages(messages: List[Labelled]) -> None:
    import yaml

    from tests.conftest import ROOT

    raw = yaml.safe_load((ROOT / "handoff" / "data" / "customer_service_sentiment.yml").read_text())
    taught = {normalise(text) for text in raw["negative"] + raw["neutral"]}
    leaked = sorted({m.text for m in messages if normalise(m.text) in taught})
    assert not leaked, f"labelled sentiment messages found in handoff/data/customer_service_sentiment.yml: {leaked}"
