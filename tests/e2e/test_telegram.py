"""A customer on Telegram, end to end: Rasa's Telegram channel (bot.channels.telegram)
against a local server speaking Telegram's Bot API (tests/telegram_api.py), with the
real Rasa, action and handoff servers. Updates are POSTed to the bot's webhook in
Telegram's format; everything the bot says must arrive as a sendMessage."""
from __future__ import annotations

import random
import re
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from bot.channels.telegram import SECRET_HEADER
from tests.servers import AGENT_TOKEN, Servers, free_port
from tests.telegram_api import BOT_NAME, TOKEN, Customer, TelegramAPI

pytestmark = [pytest.mark.e2e]
SECRET = "shop-webhook-secret_1"
WEBHOOK = "https://shop.example/webhooks/telegram/webhook"


@pytest.fixture(scope="module")
def telegram() -> Iterator[TelegramAPI]:
    api = TelegramAPI().start(free_port())
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture(scope="module")
def shop(test_model: Path, telegram: TelegramAPI, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    env = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_BOT_NAME": BOT_NAME, "TELEGRAM_WEBHOOK_URL": WEBHOOK,
           "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_API_URL": telegram.url}
    running = Servers(tmp_path_factory.mktemp("telegram"), test_model, env=env)
    try:
        yield running.start()
    finally:
        running.stop()


def post(shop: Servers, update: Dict[str, Any], secret: str = SECRET) -> requests.Response:
    return requests.post(f"{shop.rasa_url}/webhooks/telegram/webhook", json=update,
                         headers={SECRET_HEADER: secret} if secret else {}, timeout=60)


def customer() -> Customer:
    return Customer(random.randint(10**8, 10**9))


def write(shop: Servers, telegram: TelegramAPI, update: Dict[str, Any], chat: Customer) -> List[Dict[str, Any]]:
    """Post one update; what the bot sent to the chat because of it."""
    before = len(telegram.sent_to(chat.chat_id))
    reply = post(shop, update)
    assert reply.status_code == 200, reply.text
    return telegram.sent_to(chat.chat_id)[before:]


def texts(messages: List[Dict[str, Any]]) -> str:
    return " ".join(m.get("text", "") for m in messages)


def buttons(message: Dict[str, Any]) -> List[Dict[str, str]]:
    return [b for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def agent(shop: Servers, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, f"{shop.handoff_url}{path}", json=body, timeout=30,
                            headers={"Authorization": f"Bearer {AGENT_TOKEN}"})


def test_the_webhook_is_registered_with_its_secret(shop: Servers, telegram: TelegramAPI) -> None:
    deadline = time.monotonic() + 30  # registered once the server has started
    while not telegram.webhook and time.monotonic() < deadline:
        time.sleep(0.1)
    assert telegram.webhook["url"] == WEBHOOK and telegram.webhook["secret_token"] == SECRET
    assert "callback_query" in telegram.webhook["allowed_updates"]
    assert telegram.called("getMe"), "the token was not checked against the bot's name"
    chat = customer()
    assert post(shop, chat.text("hi"), secret="").status_code == 403
    assert post(shop, chat.text("hi"), secret="guess").status_code == 403
    assert telegram.sent_to(chat.chat_id) == []  # refused before any NLU


def test_a_customer_tracks_an_order(shop: Servers, telegram: TelegramAPI) -> None:
    chat = customer()
    assert "virtual assistant" in texts(write(shop, telegram, chat.text("/start"), chat))
    assert "email address on the order" in texts(write(shop, telegram, chat.text("where is my order 10001?"), chat))
    assert "shipped with DPD" in texts(write(shop, telegram, chat.text("alice@example.com"), chat))
    events = shop.tracker(str(chat.chat_id))["events"]
    assert {e.get("input_channel") for e in events if e["event"] == "user"} == {"telegram"}


def test_a_customer_books_an_appointment_with_buttons(shop: Servers, telegram: TelegramAPI) -> None:
    chat = customer()
    sent = write(shop, telegram, chat.text("can someone call me back on Sunday at 11am"), chat)
    offer = next(m for m in sent if buttons(m))
    assert "closed" in texts(sent) and len(buttons(offer)) == 3
    assert len(offer["reply_markup"]["inline_keyboard"]) == 3  # "Mon 30 Nov, 11:00": one per row
    first = buttons(offer)[0]
    sent = write(shop, telegram, chat.press(first["callback_data"], on_message=offer), chat)
    assert telegram.called("answerCallbackQuery")[-1]["callback_query_id"].startswith("cq-")
    question = next(m for m in sent if "Shall I book a phone callback" in m["text"])
    assert [b["text"] for b in buttons(question)] == ["Yes", "No"]
    sent = write(shop, telegram, chat.press(buttons(question)[0]["callback_data"], on_message=question), chat)
    assert re.search(r"BK-[A-Z0-9]{6}", texts(sent)), texts(sent)


def test_a_customer_talks_with_a_person_both_ways_and_rates(shop: Servers, telegram: TelegramAPI) -> None:
    chat = customer()
    sender = str(chat.chat_id)
    assert "queue" in texts(write(shop, telegram, chat.text("I want to talk to a real person"), chat))
    queued = agent(shop, "GET", "/api/sessions?status=queued").json()["sessions"]
    path = "/api/sessions/" + next(s["id"] for s in queued if s["conversation_id"] == sender)
    assert agent(shop, "POST", f"{path}/accept").status_code == 200
    telegram.wait_for(chat.chat_id, "Sam from our team has joined")

    assert agent(shop, "POST", f"{path}/messages", {"text": "Hi, I'm looking at it now."}).status_code == 201
    assert telegram.wait_for(chat.chat_id, "looking at it")["text"] == "Sam: Hi, I'm looking at it now."
    line = [e for e in shop.tracker(sender)["events"] if e["event"] == "bot"][-1]
    assert line["text"] == "Hi, I'm looking at it now." and line["metadata"]["agent_name"] == "Sam"

    assert write(shop, telegram, chat.text("thanks, the box was crushed"), chat) == []  # the person answers
    assert write(shop, telegram, chat.photo("this is the box"), chat) == []
    assert write(shop, telegram, chat.voice(), chat) == []
    assert write(shop, telegram, chat.edit(2, "thanks, the box was badly crushed"), chat) == []
    wanted = ["thanks, the box was crushed", "[photo] this is the box", "[voice message]",
              "[edited] thanks, the box was badly crushed"]
    assert customer_lines(shop, path, len(wanted)) == wanted

    before = len(telegram.sent_to(chat.chat_id))
    assert agent(shop, "POST", f"{path}/close", {"return_to_bot": True}).status_code == 200
    back = telegram.wait_for(chat.chat_id, "back with the shop assistant", after=before)
    assert back["text"] == "You're back with the shop assistant now."  # the bot's, no name in front
    rating = telegram.wait_for(chat.chat_id, "how did our team do", after=before)
    assert [b["text"] for b in buttons(rating)] == ["1", "2", "3", "4", "5"]
    assert len(rating["reply_markup"]["inline_keyboard"]) == 1  # short ones side by side
    sent = write(shop, telegram, chat.press(buttons(rating)[4]["callback_data"], on_message=rating), chat)
    assert "helps us a lot" in texts(sent)
    assert agent(shop, "GET", path).json()["session"]["rating"] == 5


def customer_lines(shop: Servers, path: str, wanted: int) -> List[str]:
    deadline = time.monotonic() + 15
    while True:
        lines = [m["text"] for m in agent(shop, "GET", path).json()["messages"] if m["sender"] == "customer"]
        if len(lines) >= wanted or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_media_edits_and_long_messages_get_a_clear_reply(shop: Servers, telegram: TelegramAPI) -> None:
    chat = customer()

    def answered(question: str, answer: str) -> None:
        assert answer in texts(write(shop, telegram, chat.text(question), chat))

    # Questions in between: two messages in a row the bot cannot read, or the same reply
    # three times within six turns, is the bot going in circles, and the loop trigger
    # brings in a person.
    assert "I can only read text messages" in texts(write(shop, telegram, chat.photo(), chat))
    answered("how long does shipping take?", "3-5 working days")
    assert "send the corrected text as a new message" in texts(write(shop, telegram, chat.edit(1, "hello"), chat))
    answered("can I pay with PayPal?", "PayPal")
    assert "too long for me to read" in texts(write(shop, telegram, chat.text("order " * 1200), chat))
    answered("how long does shipping take?", "3-5 working days")
    assert "I can only read text messages" in texts(write(shop, telegram, chat.sticker(), chat))
    joined = {"update_id": 1, "my_chat_member": {"chat": {"id": chat.chat_id, "type": "private"}}}
    assert write(shop, telegram, joined, chat) == []  # not a message: nothing to answer
    assert post(shop, "not an update").status_code == 200  # type: ignore[arg-type]
    assert not shop.tracker(str(chat.chat_id))["paused"]


def test_without_a_token_telegram_is_off_and_says_what_to_set(servers: Servers) -> None:
    """The assistant as `make run` starts it with no TELEGRAM_* set: the channel is off."""
    assert requests.get(f"{servers.rasa_url}/webhooks/telegram/", timeout=30).json() == {"status": "off"}
    refused = requests.post(f"{servers.rasa_url}/webhooks/telegram/webhook", json=Customer(1).text("hi"), timeout=30)
    assert refused.status_code == 503 and "TELEGRAM_TOKEN" in refused.json()["error"]
