"""What the customer hears when a desk rule acted: a busy desk offers a callback instead of
a queue place (saying why); the kill switch with nobody on duty is a maintenance message."""
from __future__ import annotations

from typing import Iterator

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.handoff import ActionHandoff
from actions.handoff_client import Ticket
from tests.actions.test_handoff_actions import FakeService
from tests.conftest import make_tracker

KILL = {"trigger": "kill_switch", "reason": "kill_switch", "skill": "orders", "priority": "normal",
        "mode": "transfer", "turn": 1, "detail": "x", "value": 1.0, "threshold": 1.0}


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    yield
    services.override(handoff=None)


@pytest.mark.parametrize("instead, buttons", [("callback", 2), ("message", 0)])
async def test_a_busy_desk_says_why_and_does_not_pause(instead: str, buttons: int) -> None:
    services.override(handoff=FakeService(Ticket("s1", 4, 480, True, "everyone in our team is helping other "
                                                 "customers", instead)))
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff().run(dispatcher, make_tracker(slots={"handoff_reasons": [KILL]}), {})
    assert [e["event"] for e in events] == ["active_loop"]  # nothing paused: the bot stays with the customer
    text = dispatcher.messages[0]["text"]
    assert "everyone in our team is helping other customers" in text and "passed our conversation on" in text
    assert len(dispatcher.messages[0]["buttons"]) == buttons


async def test_the_kill_switch_with_nobody_on_duty_is_a_maintenance_message() -> None:
    services.override(handoff=FakeService(Ticket("s1", 1, 0, False, "nobody from our team is available right now")))
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff().run(dispatcher, make_tracker(slots={"handoff_reasons": [KILL]}), {})
    assert [e["event"] for e in events] == ["active_loop"]
    assert "paused for maintenance" in dispatcher.messages[0]["text"]
