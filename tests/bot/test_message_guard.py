from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.message_guard import MessageGuard, guard_reason


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"), ("   \n", "empty"), (None, "empty"),
        ("x" * 5001, "too_long"),
        ("Где мой заказ?", "language"), ("我的订单在哪里", "language"), ("أين طلبي", "language"),
        ("where is my order?", None), ("¿Dónde está mi pedido?", None), ("🙂🙂🙂", None),
        ("café crème brûlée", None), ("x" * 5000, None),
    ],
)
def test_guard_reason(text: str, reason: str) -> None:
    assert guard_reason(text, 5000) == reason


def test_guard_overrides_intent_and_drops_entities() -> None:
    guard = MessageGuard({"max_characters": 10})
    message = Message(data={"text": "order 10001 " * 3, "intent": {"name": "track_order", "confidence": 0.9},
                            "entities": [{"entity": "order_number", "value": "10001"}]})
    fine = Message(data={"text": "hi", "intent": {"name": "greet", "confidence": 0.9}})
    guard.process([message, fine])
    assert message.get("intent") == {"name": "nlu_fallback", "confidence": 1.0}
    assert message.get("entities") == [] and message.get("message_guard") == {"reason": "too_long"}
    assert "message_guard" in message.output_properties
    assert fine.get("intent")["name"] == "greet" and fine.get("message_guard") is None
