"""Whole conversations over REST with the real Rasa and action servers."""
from __future__ import annotations

import calendar
import re
import uuid
from datetime import datetime, timedelta
from typing import List
from zoneinfo import ZoneInfo

import pytest

from tests.servers import Servers

pytestmark = pytest.mark.e2e


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def text_of(messages: List[dict]) -> str:
    return " ".join(m.get("text", "") for m in messages)


@pytest.mark.parametrize(
    "question, answer_part",
    [
        ("how long does shipping take?", "3-5 working days"),
        ("can I pay with paypal", "PayPal"),
        ("what's your returns policy", "within 30 days"),
        ("when will I get my refund", "3 working days"),
        ("do you price match", "cheaper"),
        ("what are your opening hours", "Monday to Friday"),
        ("I forgot my password", "Forgot password"),
        ("how do I check my gift card balance", "balance"),
    ],
)
def test_faqs(servers: Servers, question: str, answer_part: str) -> None:
    assert answer_part in text_of(servers.say(new_sender("faq"), question))


def test_chitchat(servers: Servers) -> None:
    sender = new_sender("chat")
    assert "virtual assistant" in text_of(servers.say(sender, "hello"))
    assert "not a person" in text_of(servers.say(sender, "am I talking to a bot?"))
    assert "welcome" in text_of(servers.say(sender, "thanks!"))
    assert "Goodbye" in text_of(servers.say(sender, "bye"))


def test_track_order_step_by_step(servers: Servers) -> None:
    sender = new_sender("order")
    assert "email" in text_of(servers.say(sender, "where is my order 10001?"))
    reply = text_of(servers.say(sender, "alice@example.com"))
    assert "shipped with DPD" in reply and "DPD7712345601" in reply


def test_track_order_in_one_message(servers: Servers) -> None:
    reply = text_of(servers.say(new_sender("order"), "track order #10003 for bob@example.com please"))
    assert "delayed" in reply and "new estimated delivery" in reply


def test_track_order_asked_for_both(servers: Servers) -> None:
    sender = new_sender("order")
    assert "order number" in text_of(servers.say(sender, "where is my parcel"))
    assert "at least 5 digits" in text_of(servers.say(sender, "it's 123"))
    assert "email" in text_of(servers.say(sender, "10002"))
    assert "That doesn't look like an email" in text_of(servers.say(sender, "alice at example"))
    assert "was delivered on" in text_of(servers.say(sender, "alice@example.com"))


def test_three_wrong_emails_lock_the_lookup(servers: Servers) -> None:
    sender = new_sender("order")
    for attempt in range(3):
        reply = text_of(servers.say(sender, f"where is order 10004, my email is mallory{attempt}@example.com"))
        assert "cancelled" not in reply and "running shoes" not in reply
    assert "can't look up more orders" in reply
    reply = text_of(servers.say(sender, "track order 10004 for bob@example.com"))
    assert "can't look up more orders" in reply and "cancelled" not in reply
    slots = servers.tracker(sender)["slots"]
    assert slots["order_failed_attempts"] == 3.0 and slots["customer_email"] is None


def test_book_list_and_cancel_an_appointment(servers: Servers) -> None:
    sender = new_sender("booking")
    reply = text_of(servers.say(sender, "I'd like to book a store visit"))
    assert "When would suit you" in reply
    reply = text_of(servers.say(sender, "next Wednesday at 11am"))
    assert "Shall I book an in-store service visit on Wednesday" in reply and "11:00" in reply
    reply = text_of(servers.say(sender, "yes"))
    reference = re.search(r"BK-[A-Z0-9]{6}", reply)
    assert reference, reply
    assert reference.group(0) in text_of(servers.say(sender, "show my appointments"))
    reply = text_of(servers.say(sender, "cancel my appointment"))
    assert f"Shall I cancel {reference.group(0)}" in reply
    assert "is cancelled" in text_of(servers.say(sender, "yes"))
    assert "no upcoming appointments" in text_of(servers.say(sender, "my appointments"))


def test_callback_on_a_closed_day_gets_alternatives_then_reschedule(servers: Servers) -> None:
    sender = new_sender("booking")
    reply = text_of(servers.say(sender, "can someone call me back on Sunday at 11am"))
    assert "closed" in reply and "nearest free times" in reply
    reply = text_of(servers.say(sender, "Thursday next week at 2pm"))
    assert "Shall I book a phone callback on Thursday" in reply
    reference = re.search(r"BK-[A-Z0-9]{6}", text_of(servers.say(sender, "yes"))).group(0)
    reply = text_of(servers.say(sender, "I need to reschedule my appointment"))
    assert "When would suit you" in reply
    reply = text_of(servers.say(sender, "Thursday next week at 3pm"))
    assert f"Shall I move {reference}" in reply
    assert "is now on Thursday" in text_of(servers.say(sender, "yes"))


def test_no_means_nothing_changes_and_stop_leaves_the_form(servers: Servers) -> None:
    sender = new_sender("booking")
    servers.say(sender, "book a phone callback")
    reply = text_of(servers.say(sender, "Friday next week at 10am"))
    assert "Shall I book" in reply
    assert "haven't changed anything" in text_of(servers.say(sender, "no"))
    assert "no upcoming appointments" in text_of(servers.say(sender, "my appointments"))
    servers.say(sender, "book an appointment")
    assert "stopped" in text_of(servers.say(sender, "never mind"))


def test_booking_with_dates_as_people_say_them(servers: Servers) -> None:
    sender = new_sender("booking")
    day = datetime.now(ZoneInfo("Europe/London")).date() + timedelta(days=10)
    day += timedelta(days=1) if day.weekday() == 6 else timedelta(0)  # closed on Sundays
    wrong = calendar.day_name[(day.weekday() + 1) % 7]
    reply = text_of(servers.say(sender, f"I'd like to book a store visit on {wrong} {day.day} {day:%B} at 2:30pm"))
    assert f"{day:%-d %B} is a {day:%A}. Did you mean {day:%A %-d %B} at 14:30 or" in reply
    reply = text_of(servers.say(sender, "the first one"))
    assert f"Shall I book an in-store service visit on {day:%A %-d %B} at 14:30?" in reply
    assert "haven't changed anything" in text_of(servers.say(sender, "no"))
    messages = servers.say(sender, "can someone call me back Thursday next week after lunch")
    assert "Here are the free times on Thursday" in text_of(messages) and "between 14:00 and 17:00" in text_of(messages)
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert len(buttons) == 3
    assert all(b["title"].startswith("Thu") and 14 <= int(b["title"][-5:-3]) < 17 for b in buttons)
    reply = text_of(servers.say(sender, buttons[0]["payload"]))
    assert "Shall I book a phone callback on Thursday" in reply
    assert "Your booking reference is BK-" in text_of(servers.say(sender, "yes"))


@pytest.mark.parametrize(
    "message, expected",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 6000, "too long"),
        ("Где мой заказ? Я жду уже неделю", "only chat in English"),
        ("我的订单在哪里", "only chat in English"),
    ],
)
def test_bad_input_gets_a_clear_reply(servers: Servers, message: str, expected: str) -> None:
    reply = text_of(servers.say(new_sender("bad"), message))
    assert expected in reply


def test_gibberish_gets_an_honest_reply(servers: Servers) -> None:
    # The NLU sends it to the fallback or to out_of_scope, depending on the trained weights
    # (they differ between TensorFlow builds); both replies say plainly what the bot can do.
    reply = text_of(servers.say(new_sender("bad"), "qwzx plmk vvbn"))
    assert "didn't understand" in reply or "not something I can help with" in reply
    assert "track an order" in reply


@pytest.mark.parametrize(
    "message",
    ["🙂🙂🙂", "¿Dónde está mi pedido?", "<script>alert(1)</script>", "'; DROP TABLE orders; --",
     "order 99999999999999999999", "book me on 31 February at 10am", "\u0000\u202e weird"],
)
def test_odd_input_never_breaks_the_bot(servers: Servers, message: str) -> None:
    sender = new_sender("odd")
    reply = servers.say(sender, message)
    assert reply and all("Traceback" not in m.get("text", "") for m in reply)
    after = servers.say(sender, "how long does shipping take?")  # and the conversation goes on
    assert "3-5 working days" in after[0]["text"]


def test_an_overlong_number_is_not_an_order_number(servers: Servers) -> None:
    sender = new_sender("odd")
    reply = text_of(servers.say(sender, "order 99999999999999999999"))
    assert "doesn't look like an order number" in reply or "What's your order number" in reply
    assert servers.tracker(sender)["slots"]["order_number"] is None


def test_tracker_api_needs_the_token(servers: Servers) -> None:
    import requests

    sender = new_sender("api")
    servers.say(sender, "hi")
    assert requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker", timeout=10).status_code == 401
    events = servers.tracker(sender)["events"]
    assert any(e["event"] == "user" and e["text"] == "hi" for e in events)
