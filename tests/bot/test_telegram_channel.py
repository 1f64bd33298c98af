"""The Telegram channel's parts that need no server: reading updates, the settings from
the environment (off without a token), and how a person's message is shown."""
from __future__ import annotations

from typing import Any, Dict

import pytest

from bot.channels.speaker import named, speaker, widget_metadata
from bot.channels.telegram import ShopTelegramInput, TelegramConfigError, TelegramSettings
from bot.channels.telegram_updates import incoming
from bot.components.message_guard import guard_reason
from tests.telegram_api import TOKEN, Customer

ENV = {"TELEGRAM_TOKEN": TOKEN, "TELEGRAM_BOT_NAME": "@ShopTestBot",
       "TELEGRAM_WEBHOOK_URL": "https://shop.example/webhooks/telegram/webhook"}


def test_text_buttons_media_and_edits_become_messages() -> None:
    alice = Customer(42)
    assert incoming(alice.text("where is my order?")).text == "where is my order?"
    assert incoming(alice.text("/start")).text == "/greet"
    assert incoming(alice.text("/start promo-7")).text == "/greet"
    press = incoming(alice.press('/rate_agent{"rating": "5"}'))
    assert (press.sender_id, press.text) == ("42", '/rate_agent{"rating": "5"}')
    assert press.callback_query_id.startswith("cq-") and press.metadata["button"] is True
    photo = incoming(alice.photo("the box"))
    assert (photo.text, photo.metadata["attachment"]) == ("[photo] the box", "photo")
    assert incoming(alice.voice()).text == "[voice message]"
    assert incoming(alice.sticker()).text == "[sticker: 👍]"
    edit = incoming(alice.edit(3, "10002 not 10001"))
    assert (edit.text, edit.metadata["edited"]) == ("[edited] 10002 not 10001", True)


@pytest.mark.parametrize("update", [
    None, "text", [], {}, {"update_id": 1}, {"message": {"text": "hi"}},  # no chat
    {"message": {"chat": {"id": 5}, "new_chat_members": []}},
    {"callback_query": {"id": "1", "data": "/affirm"}},  # nobody to answer
    {"callback_query": {"id": "1", "from": {"id": 5}, "data": {"x": 1}}},
    {"message": {"chat": {"id": True}, "text": "hi"}},
])
def test_what_is_not_a_message_is_none(update: Any) -> None:
    assert incoming(update) is None


def test_the_guard_answers_media_and_edits() -> None:
    assert guard_reason("[photo]", 5000, {"attachment": "photo"}) == "media"
    assert guard_reason("[edited] hi", 5000, {"edited": True}) == "edited"
    assert guard_reason("hello", 5000, {"button": True}) is None
    assert guard_reason("hello", 5000, None) is None


def test_settings_come_from_the_environment_and_are_off_without_a_token() -> None:
    assert TelegramSettings.from_sources({}, {}) is None
    settings = TelegramSettings.from_sources({}, ENV)
    assert (settings.bot_name, settings.api_url, settings.secret) == ("ShopTestBot", "https://api.telegram.org", "")
    local = TelegramSettings.from_sources({"api_url": "http://127.0.0.1:9/"}, ENV)
    assert local.api_url == "http://127.0.0.1:9"


@pytest.mark.parametrize("change, named_in_error", [
    ({"TELEGRAM_TOKEN": "not-a-token"}, "TELEGRAM_TOKEN"),
    ({"TELEGRAM_BOT_NAME": ""}, "TELEGRAM_BOT_NAME"),
    ({"TELEGRAM_WEBHOOK_URL": ""}, "TELEGRAM_WEBHOOK_URL"),
    ({"TELEGRAM_WEBHOOK_URL": "shop.example/hook"}, "TELEGRAM_WEBHOOK_URL"),
    ({"TELEGRAM_WEBHOOK_SECRET": "no spaces!"}, "TELEGRAM_WEBHOOK_SECRET"),
])
def test_a_wrong_setting_is_named(change: Dict[str, str], named_in_error: str) -> None:
    with pytest.raises(TelegramConfigError, match=named_in_error):
        TelegramSettings.from_sources({}, {**ENV, **change})


def test_the_channel_is_off_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ENV:
        monkeypatch.delenv(variable, raising=False)
    channel = ShopTelegramInput.from_credentials({"max_characters": 5000})
    assert channel.settings is None and channel.get_output_channel() is None
    assert channel.name() == "telegram"


def test_a_persons_message_carries_their_name() -> None:
    agent = {"agent": "demo", "agent_name": "Sam"}
    assert named("On it.", agent) == "Sam: On it."
    assert named("On it.", {"agent": "kim"}) == "kim: On it."
    assert named("Sam from our team has joined the chat.", {"handoff": "joined", "agent_name": "Sam"}) == \
        "Sam from our team has joined the chat."
    assert named("Hi!", {}) == "Hi!" and speaker({"agent_name": "  "}) is None
    assert widget_metadata(agent) == {"agent_name": "Sam", "customCss": {"style": "class", "css": "rw-agent-message"}}
    assert widget_metadata({"handoff": "returned"})["customCss"]["css"] == "rw-handoff-notice"
    assert widget_metadata({}) is None


def test_button_data_fits_telegram() -> None:
    from bot.channels.telegram import _fits

    assert _fits('/rate_agent{"rating": "5"}', "5") == '/rate_agent{"rating": "5"}'
    assert _fits("/inform" + "{}" * 40, "Tue 1 Dec 11:00") == "Tue 1 Dec 11:00"
    assert len(_fits("x" * 100, "é" * 60).encode()) <= 64
