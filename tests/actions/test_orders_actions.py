from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.orders import ActionCheckOrder, ValidateOrderForm, find_email, find_order_number
from tests.conftest import make_tracker


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [m["text"] for m in dispatcher.messages]


def slots(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(
    "text, number",
    [("10001", "10001"), ("#10002", "10002"), ("where is order # 123456 please", "123456"),
     ("order 1234", None), ("abc", None), ("call 0161 555 0100", None)],
)
def test_order_number_in_text(text: str, number: Any) -> None:
    assert find_order_number(text) == number


def test_email_in_text() -> None:
    assert find_email("it's Alice@Example.com thanks") == "alice@example.com"
    assert find_email("alice at example dot com") is None


async def run_check(slots_in: Dict[str, Any], sender: str = "customer-1") -> tuple:
    dispatcher = CollectingDispatcher()
    events = await ActionCheckOrder().run(dispatcher, make_tracker(slots=slots_in, sender_id=sender), {})
    return texts(dispatcher), slots(events)


@pytest.mark.parametrize(
    "number, email, expected",
    [
        ("10001", "alice@example.com", ["shipped with DPD", "DPD7712345601", "Estimated delivery"]),
        ("10002", "ALICE@example.com", ["was delivered on"]),
        ("10003", "bob@example.com", ["delayed", "new estimated delivery"]),
        ("10004", "bob@example.com", ["was cancelled"]),
        ("10005", "alice@example.com", ["being prepared"]),
        ("10006", "bob@example.com", ["was returned on"]),
    ],
)
async def test_verified_order_status(stores: Any, number: str, email: str, expected: List[str]) -> None:
    said, set_slots = await run_check({"order_number": number, "order_email": email})
    assert all(part in said[0] for part in expected)
    assert set_slots["customer_email"] == email.lower()
    assert set_slots["order_number"] is None and set_slots["order_email"] is None


async def test_wrong_email_reveals_nothing_and_counts(stores: Any) -> None:
    said, set_slots = await run_check({"order_number": "10001", "order_email": "bob@example.com"})
    assert "couldn't find an order 10001 with that email" in said[0]
    assert "DPD" not in said[0] and "headphones" not in said[0] and "shipped" not in said[0]
    assert set_slots["order_failed_attempts"] == 1.0


async def test_unknown_order_gets_the_same_answer_as_a_wrong_email(stores: Any) -> None:
    unknown, _ = await run_check({"order_number": "99999", "order_email": "bob@example.com"}, "one")
    wrong, _ = await run_check({"order_number": "10001", "order_email": "carol@example.com"}, "two")
    assert unknown[0].replace("99999", "N") == wrong[0].replace("10001", "N")


async def test_third_failure_locks_and_later_lookups_are_refused(stores: Any) -> None:
    said, set_slots = await run_check(
        {"order_number": "10001", "order_email": "x@example.com", "order_failed_attempts": 2.0}
    )
    assert "can't look up more orders" in said[0] and set_slots["order_failed_attempts"] == 3.0
    said, _ = await run_check({"order_number": "10001", "order_email": "alice@example.com", "order_failed_attempts": 3.0})
    assert "can't look up more orders" in said[0] and "DPD" not in said[0]


async def test_a_restart_does_not_reset_the_count(stores: Any) -> None:
    for told in ("2 tries left", "1 try left", "can't look up more orders"):
        said, _ = await run_check({"order_number": "10001", "order_email": "x@example.com"}, "restarts")
        assert told in said[0]
    # /restart cleared the slot, not what the guard counted for this conversation
    said, _ = await run_check({"order_number": "10001", "order_email": "alice@example.com"}, "restarts")
    assert "can't look up more orders" in said[0] and "DPD" not in said[0]


async def test_guessing_one_orders_owner_from_fresh_chats_stops(stores: Any) -> None:
    for guess in range(5):  # five fresh sender ids, five wrong emails for order 10001
        said, _ = await run_check({"order_number": "10001", "order_email": f"guess{guess}@example.com"}, f"fresh-{guess}")
        assert "couldn't find an order 10001" in said[0]
    said, _ = await run_check({"order_number": "10001", "order_email": "alice@example.com"}, "fresh-5")
    assert "too many unsuccessful tries" in said[0] and "DPD" not in said[0]
    said, _ = await run_check({"order_number": "10002", "order_email": "alice@example.com"}, "fresh-6")
    assert "was delivered on" in said[0]  # other orders are not affected


async def test_guessing_order_numbers_for_one_email_stops(stores: Any) -> None:
    for number in range(5):
        await run_check({"order_number": f"2000{number}", "order_email": "alice@example.com"}, f"numbers-{number}")
    said, _ = await run_check({"order_number": "10001", "order_email": "alice@example.com"}, "numbers-5")
    assert "too many unsuccessful tries" in said[0] and "DPD" not in said[0]


async def test_store_failure_is_told_honestly(stores: Any) -> None:
    from actions import services
    from actions.order_store import HttpOrderStore

    store = HttpOrderStore("http://127.0.0.1:9", timeout=0.5)
    services.override(orders=store)
    said, set_slots = await run_check({"order_number": "10001", "order_email": "alice@example.com"})
    await store.close()
    assert "can't reach our order system" in said[0]
    assert "order_failed_attempts" not in set_slots


async def test_form_validation(stores: Any, domain_dict: Dict[str, Any]) -> None:
    form = ValidateOrderForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"order_number": "it's 123", "requested_slot": "order_number"}, text="it's 123")
    tracker.events = [{"event": "slot", "name": "order_number", "value": "it's 123"}]
    events = await form.run(dispatcher, tracker, domain_dict)
    assert slots(events)["order_number"] is None
    assert "at least 5 digits" in texts(dispatcher)[0]

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(slots={"order_number": "#10001"}, text="#10001")
    tracker.events = [{"event": "slot", "name": "order_number", "value": "#10001"}]
    events = await form.run(dispatcher, tracker, domain_dict)
    assert slots(events)["order_number"] == "10001" and not dispatcher.messages


async def test_locked_conversation_asks_nothing(stores: Any, domain_dict: Dict[str, Any]) -> None:
    form = ValidateOrderForm()
    tracker = make_tracker(slots={"order_failed_attempts": 3.0}, text="where is my order")
    events = await form.run(CollectingDispatcher(), tracker, domain_dict)
    assert slots(events).get("requested_slot", "missing") is None
