"""Rasa's REST channel with the limits of bot.channels.limits, and a body that must be a
JSON object with a string ``sender`` and ``message``: anything else is a 400 with a
JSON error, not a server error. ``input_channel`` is always ``rest``: a client cannot
claim another channel (agents' replies go to the channel a message came from)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, Request
from sanic.exceptions import InvalidUsage

from bot.channels.limits import MessageLimits, OnNewMessage, guarded

MAX_SENDER = 255


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(MessageLimits.from_credentials(credentials))

    def __init__(self, limits: Optional[MessageLimits] = None) -> None:
        self.limits = limits or MessageLimits()

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        return super().blueprint(guarded(on_new_message, self.limits))

    @staticmethod
    def _body(req: Request) -> Dict[str, Any]:
        try:
            body = req.json
        except Exception as exc:  # sanic's own InvalidUsage for bad JSON
            raise InvalidUsage("the body must be a JSON object: {\"sender\": \"...\", \"message\": \"...\"}") from exc
        if not isinstance(body, dict):
            raise InvalidUsage("the body must be a JSON object: {\"sender\": \"...\", \"message\": \"...\"}")
        return body

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender = self._body(req).get("sender")
        if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER:
            raise InvalidUsage(f"'sender' must be a string of 1 to {MAX_SENDER} characters")
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        message = self._body(req).get("message")
        if message is not None and not isinstance(message, str):
            raise InvalidUsage("'message' must be a string")
        return message

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        metadata = self._body(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None
