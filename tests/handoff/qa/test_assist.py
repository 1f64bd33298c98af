"""Agent assist: the FAQ answers in the bot's order with their scores, the verified
order's status (and nothing for an order the bot did not verify), free store visits
when the customer wants an appointment, and what could not be asked said so."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

from actions import services
from actions.booking_store import BookingStore
from actions.order_store import Order
from handoff.errors import RasaUnavailable
from handoff.qa.assist import faq_suggestions, suggestions
from handoff.qa.domain import Catalogue

CATALOGUE = Catalogue.load()


@dataclass
class Msg:
    sender: str
    text: str


@dataclass
class FakeSession:
    context: Dict[str, Any]


class Orders:
    async def find(self, number: str) -> Optional[Order]:
        return Order("10001", "alice@example.com", "shipped", date(2026, 11, 27), "wireless headphones", "DPD",
                     "DPD7712345601", date(2026, 12, 1)) if number == "10001" else None


class FakeRasa:
    def __init__(self, parse: Optional[Dict[str, Any]]) -> None:
        self.parse_data = parse

    async def parse(self, text: str) -> Dict[str, Any]:
        if self.parse_data is None:
            raise RasaUnavailable("http://rasa", "could not be reached")
        return self.parse_data


@pytest.fixture(autouse=True)
def stores(tmp_path: Path) -> Iterator[None]:
    services.override(orders=Orders(), bookings=BookingStore(tmp_path / "bookings.db"))
    yield
    services.override()


def test_faq_answers_in_the_bots_order_with_their_scores() -> None:
    parse = {"full_intent_ranking": [{"name": "faq/pay_later", "confidence": 0.7}, {"name": "greet", "confidence": 0.2},
                                     {"name": "faq/payment_methods", "confidence": 0.1}]}
    found = faq_suggestions(parse, CATALOGUE)
    assert [(s.title, s.score) for s in found] == [("faq/pay_later", 0.7), ("faq/payment_methods", 0.1)]
    assert found[0].text == CATALOGUE.answers["faq/pay_later"]
    selector = {"response_selector": {"faq": {"ranking": [{"intent_response_key": "faq/warranty", "confidence": 0.8}]}}}
    assert [s.title for s in faq_suggestions(selector, CATALOGUE)] == ["faq/warranty"]


async def test_the_verified_orders_status() -> None:
    context = {"customer": {"email": "alice@example.com", "verified": True},
               "transcript": [{"speaker": "customer", "text": "where is my order 10001"}]}
    found = await suggestions(FakeRasa({"intent": {"name": "inform"}}), CATALOGUE, FakeSession(context),
                              [Msg("customer", "any news?")])
    order = [s for s in found.suggestions if s.kind == "order"]
    assert order[0].title == "order 10001 (verified)" and "has shipped with DPD" in order[0].text
    assert found.message == "any news?"


async def test_no_order_status_without_the_bots_verification() -> None:
    for customer in ({}, {"email": "mallory@example.com", "verified": True}):
        context = {"customer": customer, "transcript": [{"speaker": "customer", "text": "order 10001"}]}
        found = await suggestions(FakeRasa({}), CATALOGUE, FakeSession(context), [])
        assert [s for s in found.suggestions if s.kind == "order"] == []


async def test_free_store_visits_when_the_customer_wants_an_appointment() -> None:
    parse = {"intent": {"name": "book_appointment", "confidence": 0.9}}
    found = await suggestions(FakeRasa(parse), CATALOGUE, FakeSession({}), [Msg("customer", "can I come in?")])
    slots = [s for s in found.suggestions if s.kind == "slots"]
    assert slots and slots[0].text.startswith("I can book a store visit for you: ")
    assert slots[0].text.count(";") == services.settings().alternatives - 1
    plain = await suggestions(FakeRasa({"intent": {"name": "greet"}}), CATALOGUE, FakeSession({}), [Msg("customer", "hi")])
    assert [s for s in plain.suggestions if s.kind == "slots"] == []


async def test_what_could_not_be_asked_is_said() -> None:
    found = await suggestions(FakeRasa(None), CATALOGUE, FakeSession({}), [Msg("customer", "hello")])
    assert found.suggestions == [] and "the bot's answers are not available" in found.problems[0]
    empty = await suggestions(FakeRasa({}), CATALOGUE, FakeSession({}), [])
    assert empty.message is None and empty.suggestions == []
