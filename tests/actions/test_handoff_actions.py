from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from typing import Any, Dict, Iterator, List

import pytest

from actions import services
from actions.errors import HandoffUnavailable
from actions.handoff import ActionBackFromAgent, ActionHandoff, ActionOfferHuman, ActionRecordRating, rating_in
from actions.handoff_client import Ticket
from tests.conftest import make_tracker

LEGAL = {"trigger": "gray_area", "reason": "gray_area:legal_threat", "skill": "legal", "priority": "urgent",
         "mode": "transfer", "turn": 1, "detail": "x", "value": 1.0, "threshold": 1.0}
ANGRY = {"trigger": "sentiment", "reason": "", "skill": "customer_care", "priority": "high",
         "mode": "offer", "turn": 2, "detail": "x", "value": -0.9, "threshold": -0.75}


class FakeService:
    def __init__(self, ticket: Ticket = Ticket("s1", 3, 240), fail: bool = False) -> None:
        self.ticket, self.fail, self.contexts = ticket, fail, []  # type: ignore[var-annotated]

    async def rate(self, conversation_id: str, rating: int) -> bool:
        self.contexts.append({"rating": rating})
        if self.fail:
            raise HandoffUnavailable("connection refused")
        return True

    async def open(self, context: Dict[str, Any]) -> Ticket:
        self.contexts.append(context)
        if self.fail:
            raise HandoffUnavailable("connection refused")
        return self.ticket


@pytest.fixture(autouse=True)
def no_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("HANDOFF_URL", raising=False)
    services.override(handoff=None)
    yield
    services.override(handoff=None)


def user_said(text: str) -> List[Dict[str, Any]]:
    return [{"event": "user", "text": text, "timestamp": 1.0, "input_channel": "socketio",
             "parse_data": {"intent": {"name": "faq", "confidence": 0.8}, "entities": []}}]


async def test_handoff_posts_the_context_pauses_and_tells_the_queue_position() -> None:
    service = FakeService()
    services.override(handoff=service)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"handoff_reasons": [LEGAL]}, events=user_said("I'll see you in court"))
    events = await ActionHandoff().run(dispatcher, tracker, {})
    assert [e["event"] for e in events] == ["active_loop", "pause"]
    text = dispatcher.messages[0]["text"]
    assert "customer relations team" in text and "number 3 in the queue; the wait is about 4 minutes" in text
    context = service.contexts[0]
    assert context["conversation_id"] == "customer-1" and context["reasons"] == [LEGAL]
    assert (context["skill"], context["priority"]) == ("legal", "urgent")
    assert context["transcript"][0]["text"] == "I'll see you in court"


@pytest.mark.parametrize("service", [None, FakeService(fail=True)])
async def test_no_one_to_take_over_is_said_honestly_and_nothing_is_paused(service: Any) -> None:
    if service is not None:
        services.override(handoff=service)
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff().run(dispatcher, make_tracker(slots={"handoff_reasons": [LEGAL]}), {})
    assert [e["event"] for e in events] == ["active_loop"]
    assert "can't reach our team" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["buttons"][0]["payload"] == "book a phone callback"


async def test_back_from_an_agent_the_bot_takes_over() -> None:
    dispatcher = CollectingDispatcher()
    assert await ActionBackFromAgent().run(dispatcher, make_tracker(), {}) == [
        {"event": "slot", "timestamp": None, "name": "rating_requested", "value": True}]
    assert "anything else" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[1]["buttons"][4]["payload"] == '/rate_agent{"rating": "5"}'


@pytest.mark.parametrize("text, entities, expected", [
    ('/rate_agent{"rating": "4"}', [{"entity": "rating", "value": "4"}], 4),
    ("I'd give it 5 stars", [], 5), ("2/5", [], 2), ("four out of five", [], 4),
    ("rating 9", [], None), ("order 10001", [], None), ("", [{"entity": "rating", "value": ""}], None),
])
def test_ratings_are_read_from_buttons_and_words(text: str, entities: list, expected: Any) -> None:
    assert rating_in({"text": text, "entities": entities}) == expected


def said(text: str, intent: str) -> Dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


ASKED = {"event": "slot", "name": "rating_requested", "value": True}


def rating_turn(text: str, before: List[Dict[str, Any]], requested: bool = True) -> Any:
    """The tracker when ``text`` (classified rate_agent) arrives after ``before``."""
    return make_tracker(slots={"rating_requested": requested}, text=text, intent="rate_agent",
                        events=[*before, said(text, "rate_agent")])


async def test_a_rating_is_recorded_and_thanked() -> None:
    service = FakeService()
    services.override(handoff=service)
    dispatcher = CollectingDispatcher()
    events = await ActionRecordRating().run(dispatcher, rating_turn("5 stars", [ASKED]), {})
    assert service.contexts == [{"rating": 5}] and "helps us a lot" in dispatcher.messages[0]["text"]
    assert events == [{"event": "slot", "timestamp": None, "name": "rating_requested", "value": False}]
    services.override(handoff=FakeService(fail=True))
    dispatcher = CollectingDispatcher()
    await ActionRecordRating().run(dispatcher, rating_turn("5 stars", [ASKED, said("no thanks", "deny")]), {})
    assert dispatcher.messages[0]["text"].startswith("Thank you. Anything else")


@pytest.mark.parametrize("requested, before", [
    (False, []),  # no person was involved
    (True, [ASKED, said("where is my order 10002", "track_order"), said("bob@example.com", "inform")]),  # moved on
])
async def test_a_date_is_not_a_rating_unless_one_was_asked_for(requested: bool, before: List[Dict[str, Any]]) -> None:
    service = FakeService()
    services.override(handoff=service)
    dispatcher = CollectingDispatcher()
    events = await ActionRecordRating().run(dispatcher, rating_turn("1 December 2026 at 10:30", before, requested), {})
    assert service.contexts == []
    assert "didn't understand" in dispatcher.messages[0]["text"] and "rate" not in dispatcher.messages[0]["text"]
    assert events == ([{"event": "slot", "timestamp": None, "name": "rating_requested", "value": False}]
                      if requested else [])  # the request has lapsed


async def test_offer_answers_the_faq_first_then_asks() -> None:
    faq = {"response_selector": {"faq": {"response": {"responses": [{"text": "Refunds take 3 days."}]}}}}
    tracker = make_tracker(slots={"handoff_reasons": [ANGRY]}, intent="faq", extra=faq)
    dispatcher = CollectingDispatcher()
    assert await ActionOfferHuman().run(dispatcher, tracker, {}) == []
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0] == "Refunds take 3 days." and texts[1].startswith("I'm sorry this has been frustrating.")
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == ["/affirm", "/deny"]


async def test_off_duty_the_conversation_is_left_as_a_message_and_not_paused() -> None:
    services.override(handoff=FakeService(Ticket("s1", 1, 0, False, "our team is available mon-fri 09:00-18:00")))
    dispatcher = CollectingDispatcher()
    events = await ActionHandoff().run(dispatcher, make_tracker(slots={"handoff_reasons": [LEGAL]}), {})
    assert [e["event"] for e in events] == ["active_loop"]
    text = dispatcher.messages[0]["text"]
    assert text.startswith("I'm sorry: our team is available mon-fri 09:00-18:00, so nobody can take over")
    assert "passed our conversation on as a message" in text and dispatcher.messages[0]["buttons"]
