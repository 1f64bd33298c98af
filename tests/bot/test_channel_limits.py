"""The channel limits applied before any NLP: long messages are cut (and still get the
long-message reply), button payloads carry only plain values."""
from __future__ import annotations

import pytest

from bot.channels.limits import CUT_MARK, MessageLimits
from bot.components.message_guard import guard_reason


def test_a_long_message_is_cut_but_still_counts_as_too_long() -> None:
    limits = MessageLimits(max_characters=5000)
    text = limits.text("a" * 1_000_000)
    assert len(text) == 5001 and text.endswith(CUT_MARK)
    assert guard_reason(text, 5000) == "too_long"


def test_a_message_at_the_limit_is_untouched() -> None:
    assert MessageLimits(max_characters=10).text("a" * 10) == "a" * 10


@pytest.mark.parametrize("payload", [
    '/greet{"order_number": Infinity}',
    '/greet{"order_number": NaN}',
    '/greet{"order_number": -Infinity}',
    '/greet{"order_number": 1e999}',
    '/greet{"order_number": {"nested": 1}}',
    '/greet{"order_number": [1, 2]}',
    '/greet{"email": "' + "x" * 500 + '"}',
    '/greet{"order_number": 10001',   # JSON that does not parse
])
def test_a_payload_with_unsafe_values_keeps_only_its_intent(payload: str) -> None:
    assert MessageLimits().text(payload) == "/greet"


@pytest.mark.parametrize("payload", [
    '/rate_agent{"rating": "5"}',
    '/inform{"order_number": "10001", "email": "alice@example.com"}',
    '/inform{"count": 3, "ok": true, "share": 0.5}',
    "/affirm",
])
def test_a_plain_payload_passes_unchanged(payload: str) -> None:
    assert MessageLimits().text(payload) == payload


def test_text_that_is_not_a_string_becomes_empty() -> None:
    assert MessageLimits().text(None) == "" and MessageLimits().text(12) == ""


@pytest.mark.parametrize("credentials", [{"max_characters": 0}, {"max_characters": "many"},
                                         {"max_request_bytes": True}])
def test_wrong_limits_in_credentials_are_refused_with_the_key(credentials: dict) -> None:
    with pytest.raises(ValueError, match=next(iter(credentials))):
        MessageLimits.from_credentials(credentials)
