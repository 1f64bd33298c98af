"""Rasa's socket.io channel (the web widget) with the limits of bot.channels.limits: the
same cut of long messages and safe payloads, and socket.io packets capped at
``max_request_bytes``; what the HTTP API sends (an agent's message) is marked with its
speaker for the widget (bot.channels.speaker). With CORS_ORIGINS set (space-separated, as
given to Rasa's ``--cors``), a browser page from any other origin cannot open a socket
(engine.io answers 400), websocket transport included, which CORS alone does not cover."""
from __future__ import annotations

import os
from typing import Any, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.channels.limits import MessageLimits, OnNewMessage, guarded
from bot.channels.speaker import SpeakerSocketIOOutput

LIMIT_KEYS = ("max_characters", "max_value_characters", "max_request_bytes")


class GuardedSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        limits = MessageLimits.from_credentials({k: credentials.pop(k) for k in LIMIT_KEYS if k in credentials})
        channel = super().from_credentials(credentials)
        channel.limits = limits
        return channel

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        limits: MessageLimits = getattr(self, "limits", MessageLimits())
        blueprint = super().blueprint(guarded(on_new_message, limits))
        self.sio.eio.max_http_buffer_size = limits.max_request_bytes
        origins = os.environ.get("CORS_ORIGINS", "").split()
        if origins and "*" not in origins:
            self.sio.eio.cors_allowed_origins = [o.rstrip("/") for o in origins]
            # only the check: Rasa's --cors writes the CORS headers (two would void them)
            self.sio.eio._cors_headers = lambda environ: []
        return blueprint

    def get_output_channel(self) -> Optional[OutputChannel]:
        """What the HTTP API sends on (an agent's message): with the speaker for the widget."""
        if self.sio is None:
            return super().get_output_channel()
        return SpeakerSocketIOOutput(self.sio, self.bot_message_evt)
