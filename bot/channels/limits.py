"""Limits on what a customer can send, applied in the channel before the NLU sees it.

- A message longer than ``max_characters`` is cut to that length plus one character,
  so the pipeline's MessageGuard still answers it with the long-message reply, while
  no component ever reads more than that (and the tracker stores no more than that).
- A button payload (``/intent{"entity": value}``) may carry only plain values: text
  of at most ``max_value_characters``, finite numbers and booleans. Anything else
  (NaN, Infinity, nested objects, huge strings, JSON that does not parse) is dropped
  and the intent kept, so a crafted payload cannot put such a value in a slot.
"""
from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)
CUT_MARK = "…"
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


@dataclass(frozen=True)
class MessageLimits:
    max_characters: int = 5000         # the same as MessageGuard's in bot/config.yml
    max_value_characters: int = 200    # one entity value in a button payload
    max_request_bytes: int = 2_000_000  # the HTTP body (REST) or socket.io packet

    @classmethod
    def from_credentials(cls, credentials: Optional[Mapping[str, Any]]) -> MessageLimits:
        raw = credentials or {}
        values = {}
        for name in ("max_characters", "max_value_characters", "max_request_bytes"):
            value = raw.get(name, getattr(cls, name))
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"credentials.yml: '{name}' is {value!r}; it must be a whole number above 0")
            values[name] = value
        return cls(**values)

    def text(self, text: Any) -> str:
        """The text to hand to Rasa: a string, cut when too long, with a safe payload."""
        if not isinstance(text, str):
            return ""
        if len(text) > self.max_characters:
            return text[: self.max_characters] + CUT_MARK
        if text.startswith("/"):
            return self.payload(text)
        return text

    def payload(self, text: str) -> str:
        brace = text.find("{")
        if brace < 0:
            return text
        head, raw = text[:brace], text[brace:]
        entities = _strict_object(raw)
        if entities is None or not all(self._plain(v) for v in entities.values()):
            logger.warning("dropped the entities of a payload that carried values other than plain text, "
                           "finite numbers or booleans: %.80s", text)
            return head
        return text

    def _plain(self, value: Any) -> bool:
        if isinstance(value, bool):
            return True
        if isinstance(value, (int, float)):
            return math.isfinite(value) and abs(value) < 1e15
        return isinstance(value, str) and len(value) <= self.max_value_characters


def _refuse(name: str) -> Any:
    raise ValueError(name)


def _strict_object(raw: str) -> Optional[Dict[str, Any]]:
    try:
        value = json.loads(raw, parse_constant=_refuse)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def guarded(on_new_message: OnNewMessage, limits: MessageLimits) -> OnNewMessage:
    """The channel's callback with the limits applied to every message first, then personal
    data removed (bot.channels.privacy), so that Rasa never stores it; a customer waiting
    through an outage of the handoff service is told (bot.channels.outage)."""
    from bot.channels.outage import outage_aware
    from bot.channels.privacy import private

    on_private_message = private(outage_aware(on_new_message))

    async def handle(message: UserMessage) -> Any:
        message.text = limits.text(message.text)
        if not isinstance(message.metadata, dict):
            message.metadata = None
        return await on_private_message(message)

    return handle
