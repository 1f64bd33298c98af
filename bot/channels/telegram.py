"""Telegram through Rasa's own channel (``rasa.core.channels.telegram``, aiogram), set up
from the environment and off unless ``TELEGRAM_TOKEN`` is set.

What it adds to Rasa's ``TelegramInput``:
- settings from the environment (``TELEGRAM_TOKEN``, ``TELEGRAM_BOT_NAME``,
  ``TELEGRAM_WEBHOOK_URL``, optional ``TELEGRAM_WEBHOOK_SECRET`` and
  ``TELEGRAM_API_URL``), validated with messages that say what to set;
- one output channel, made inside the server's event loop, which the HTTP API uses too
  (``output_channel=latest`` finds it by the name ``telegram``), so an agent's message
  reaches the customer's chat; Rasa's own makes a new bot and calls ``asyncio.run``;
- the webhook is registered when the server starts (with Telegram's secret token when
  one is set) and every update must carry that secret;
- updates as bot.channels.telegram_updates reads them (buttons answered, media and
  edits as readable lines), the limits of bot.channels.limits, and a person's messages
  with their name in front (bot.channels.speaker);
- buttons within Telegram's limits (64 bytes of data; a longer payload is sent as the
  button's title), short ones side by side and long ones one per row;
- never an error to Telegram (which would send the update again and again): a failure
  is logged and the customer is told to try again.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.utils.exceptions import NetworkError, TelegramAPIError
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.channels.limits import MessageLimits, OnNewMessage, guarded
from bot.channels.speaker import named, speaker
from bot.channels.telegram_updates import incoming

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PRODUCTION_API = "https://api.telegram.org"
MAX_TEXT = 4096  # Telegram's limit for one message
MAX_BUTTON_DATA = 64  # and for a button's callback_data, in bytes
SHORT_TITLE = 12  # buttons with titles up to this long share a row
SORRY = "Sorry, something went wrong on our side. Please send that again in a minute."
OFF = ("Telegram is off: set TELEGRAM_TOKEN, TELEGRAM_BOT_NAME and TELEGRAM_WEBHOOK_URL "
       "and restart the Rasa server (README, Messaging channels)")
LIMIT_KEYS = ("max_characters", "max_value_characters", "max_request_bytes")


class TelegramConfigError(RasaException):
    """A Telegram setting is missing or malformed; the message names it and what to set."""


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    bot_name: str      # the bot's username, without @: the token must belong to it
    webhook_url: str   # the public https URL of /webhooks/telegram/webhook
    secret: str = ""   # Telegram sends it back in every update's header
    api_url: str = PRODUCTION_API

    @classmethod
    def from_sources(cls, credentials: Mapping[str, Any], env: Mapping[str, str]) -> Optional[TelegramSettings]:
        """credentials.yml keys win over the environment; None when no token is set (off)."""
        def value(key: str, variable: str, default: str = "") -> str:
            given = credentials.get(key)
            return str(given if given not in (None, "") else env.get(variable, default)).strip()

        token = value("access_token", "TELEGRAM_TOKEN")
        if not token:
            return None
        settings = cls(token, value("verify", "TELEGRAM_BOT_NAME").lstrip("@"),
                       value("webhook_url", "TELEGRAM_WEBHOOK_URL"), value("secret_token", "TELEGRAM_WEBHOOK_SECRET"),
                       value("api_url", "TELEGRAM_API_URL", PRODUCTION_API).rstrip("/"))
        settings.validate()
        return settings

    def validate(self) -> None:
        if not re.fullmatch(r"\d+:[\w-]{20,}", self.token):
            raise TelegramConfigError("TELEGRAM_TOKEN does not look like a bot token ('123456:ABC-...'); "
                                      "copy the one BotFather gave you")
        if not self.bot_name:
            raise TelegramConfigError("TELEGRAM_BOT_NAME is not set: give the bot's username from BotFather "
                                      "(e.g. ShopHelpBot)")
        if not re.fullmatch(r"https?://\S+", self.webhook_url):
            raise TelegramConfigError(f"TELEGRAM_WEBHOOK_URL is '{self.webhook_url}'; set the public https URL "
                                      "of this server's /webhooks/telegram/webhook")
        if self.secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", self.secret):
            raise TelegramConfigError("TELEGRAM_WEBHOOK_SECRET may only hold 1-256 letters, digits, _ and -")
        if not re.fullmatch(r"https?://\S+", self.api_url):
            raise TelegramConfigError(f"TELEGRAM_API_URL is '{self.api_url}'; it must be an http(s) URL")


class ShopTelegramOutput(TelegramOutput):
    """Rasa's Telegram output on a configurable Bot API server, with the speaker's name."""

    def __init__(self, settings: TelegramSettings) -> None:
        Bot.__init__(self, settings.token, server=TelegramAPIServer.from_base(settings.api_url), timeout=10)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     button_type: Optional[Text] = None, **kwargs: Any) -> None:
        """Telegram's inline keyboard: short titles side by side, longer ones one per row."""
        fitted = [{**b, "payload": _fits(b.get("payload"), b.get("title"))} for b in buttons]
        if button_type is None:
            button_type = "inline" if all(len(str(b.get("title", ""))) <= SHORT_TITLE for b in buttons) else "vertical"
        await super().send_text_with_buttons(recipient_id, text, fitted, button_type, **kwargs)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        if speaker(kwargs) is None:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        line = named(text.strip(), kwargs)
        for start in range(0, len(line), MAX_TEXT):
            await self.send_message(recipient_id, line[start:start + MAX_TEXT])


class ShopTelegramInput(TelegramInput):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        raw = dict(credentials or {})
        limits = MessageLimits.from_credentials({k: raw.pop(k) for k in LIMIT_KEYS if k in raw})
        return cls(TelegramSettings.from_sources(raw, os.environ), limits)

    def __init__(self, settings: Optional[TelegramSettings], limits: Optional[MessageLimits] = None) -> None:
        super().__init__(settings and settings.token, settings and settings.bot_name,
                         settings and settings.webhook_url, debug_mode=False)
        self.settings, self.limits = settings, limits or MessageLimits()
        self._output: Optional[ShopTelegramOutput] = None
        self._verified = False

    def get_output_channel(self) -> Optional[ShopTelegramOutput]:  # type: ignore[override]
        """The one output channel (None when Telegram is off); made on first use, in the server's loop."""
        if self.settings is None:
            return None
        if self._output is None:
            self._output = ShopTelegramOutput(self.settings)
        return self._output

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("telegram_webhook", __name__)
        handle = guarded(on_new_message, self.limits)

        @bp.get("/")
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.settings else "off"})

        @bp.post("/webhook")
        async def webhook(request: Request) -> HTTPResponse:
            if self.settings is None:
                return response.json({"error": OFF}, status=503)
            if self.settings.secret and not hmac.compare_digest(
                    request.headers.get(SECRET_HEADER, "").encode(), self.settings.secret.encode()):
                return response.json({"error": f"missing or wrong {SECRET_HEADER}"}, status=403)
            if not await self.verified():
                return response.json({"error": f"TELEGRAM_TOKEN is not the token of @{self.settings.bot_name}"},
                                     status=403)
            try:
                update = request.json
            except Exception:  # sanic's InvalidUsage for a body that is not JSON
                return response.json({"error": "the body must be a Telegram update (JSON)"}, status=400)
            await self.receive(update, handle)
            return response.json({"ok": True})

        @bp.post("/set_webhook")
        async def set_webhook(_: Request) -> HTTPResponse:
            if self.settings is None:
                return response.json({"error": OFF}, status=503)
            done = await self.register_webhook()
            return response.json({"webhook": self.settings.webhook_url, "registered": done}, status=200 if done else 502)

        @bp.listener("after_server_start")
        async def started(*_: Any) -> None:
            if self.settings is not None:
                await self.verified()
                await self.register_webhook()

        @bp.listener("before_server_stop")
        async def stopping(*_: Any) -> None:
            if self._output is not None:
                await self._output.session.close()

        return bp

    async def receive(self, update: Any, handle: OnNewMessage) -> None:
        message = incoming(update)
        out = self.get_output_channel()
        if message is None or out is None:
            return
        if message.callback_query_id:  # stops the spinner on the customer's button
            await _quietly(out.answer_callback_query(message.callback_query_id), "answer a button press")
        try:
            await handle(UserMessage(message.text, out, message.sender_id, input_channel=self.name(),
                                     metadata=message.metadata))
        except Exception:  # the customer hears of it; Telegram must not send the update again
            logger.exception("Telegram update %s could not be handled", message.metadata.get("telegram_update_id"))
            await _quietly(out.send_message(message.sender_id, SORRY), "tell the customer")

    async def verified(self) -> bool:
        """The token belongs to TELEGRAM_BOT_NAME (checked once with getMe)."""
        if self._verified or self.settings is None:
            return self._verified
        out = self.get_output_channel()
        me = await _quietly(out.get_me(), "check the token with getMe")
        if me is None:
            return True  # Telegram unreachable: not a reason to drop the customer's message
        self._verified = me.username == self.settings.bot_name
        if not self._verified:
            logger.error("TELEGRAM_TOKEN is the token of @%s, not of TELEGRAM_BOT_NAME @%s: fix one of them; "
                         "updates are refused until then", me.username, self.settings.bot_name)
        return self._verified

    async def register_webhook(self) -> bool:
        """setWebhook with the URL, the secret and the updates the bot reads."""
        settings, out = self.settings, self.get_output_channel()
        payload = {"url": settings.webhook_url,
                   "allowed_updates": '["message", "edited_message", "callback_query"]'}
        if settings.secret:
            payload["secret_token"] = settings.secret
        done = await _quietly(out.request("setWebhook", payload), f"register the webhook {settings.webhook_url}")
        if done:
            logger.info("Telegram webhook registered: %s", settings.webhook_url)
        return bool(done)


def _fits(payload: Any, title: Any) -> str:
    """Telegram carries at most 64 bytes of a button's data: a longer payload is replaced by
    the button's title, which reaches the bot as if the customer had typed it."""
    for candidate in (str(payload or ""), str(title or "")):
        if 0 < len(candidate.encode()) <= MAX_BUTTON_DATA:
            return candidate
    return str(title or "").encode()[:MAX_BUTTON_DATA].decode(errors="ignore") or "?"


async def _quietly(call: Any, what: str) -> Any:
    """A call to Telegram whose failure is logged with what to check, not raised."""
    try:
        return await call
    except (TelegramAPIError, NetworkError, asyncio.TimeoutError) as exc:
        logger.error("Telegram: could not %s: %s (check TELEGRAM_API_URL, the token and the network)", what, exc)
        return None
