from __future__ import annotations

import pytest

from handoff.sentiment import NEGATIVE, NEUTRAL, POSITIVE, SentimentScorer


@pytest.fixture(scope="module")
def scorer() -> SentimentScorer:
    return SentimentScorer()


@pytest.mark.parametrize(
    "text, cue",
    [
        ("This is the third time I'm asking!!", "repetition"),
        ("still waiting for my refund", "waiting"),
        ("what a useless bot", "bot_blame"),
        ("I want to speak to a manager, this is ridiculous", "escalation"),
        ("oh great, another delay", "sarcasm"),
        ("WHERE IS MY ORDER, IT IS LATE!!!", "capitals"),
        ("not happy at all with this", None),
    ],
)
def test_frustration_is_negative(scorer: SentimentScorer, text: str, cue: str) -> None:
    result = scorer.score(text)
    assert result.label == NEGATIVE and -1.0 <= result.score <= -0.3
    assert cue is None or cue in result.cues


@pytest.mark.parametrize("text", ["where is my order 10001", "how long does shipping take", "book a callback", ""])
def test_plain_requests_are_neutral(scorer: SentimentScorer, text: str) -> None:
    assert scorer.score(text).label == NEUTRAL


@pytest.mark.parametrize("text", ["thanks, that's really helpful!", "great, thank you so much", "not bad at all"])
def test_praise_is_positive(scorer: SentimentScorer, text: str) -> None:
    assert scorer.score(text).label == POSITIVE


def test_as_dict_is_json_ready(scorer: SentimentScorer) -> None:
    data = scorer.score("still waiting!!").as_dict()
    assert set(data) == {"score", "label", "cues"} and isinstance(data["score"], float)
