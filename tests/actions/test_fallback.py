from __future__ import annotations

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.fallback import ActionHandleUnclear
from tests.conftest import make_tracker


@pytest.mark.parametrize(
    "guard, expected",
    [
        ({"reason": "empty"}, "message was empty"),
        ({"reason": "too_long"}, "too long"),
        ({"reason": "language"}, "only chat in English"),
        (None, "didn't understand"),
    ],
)
async def test_says_why_and_forgets_the_turn(guard: dict, expected: str) -> None:
    dispatcher = CollectingDispatcher()
    extra = {"message_guard": guard} if guard else {}
    events = await ActionHandleUnclear().run(dispatcher, make_tracker(intent="nlu_fallback", extra=extra), {})
    assert expected in dispatcher.messages[0]["text"]
    assert [e["event"] for e in events] == ["rewind"]


@pytest.mark.parametrize(
    "text, malformed",
    [
        ("order 99999999999999999999", True),
        ("track my order 123 please", True),
        ("#42", True),
        ("123", True),
        ("7", False),
        ("order 10001", False),
        ("qwzx plmk vvbn", False),
        ("I have 2 questions about 3 orders", False),
    ],
)
def test_recognises_a_malformed_order_number(text: str, malformed: bool) -> None:
    from actions.fallback import malformed_order_number

    assert malformed_order_number(text) is malformed


async def test_an_unclear_malformed_order_number_gets_a_hint() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(intent="nlu_fallback", text="order 99999999999999999999")
    await ActionHandleUnclear().run(dispatcher, tracker, {})
    assert "doesn't look like an order number" in dispatcher.messages[0]["text"]
