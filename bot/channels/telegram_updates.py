"""What a Telegram update (https://core.telegram.org/bots/api#update) means for the
assistant: a pure function from the update's JSON to the customer's message, or nothing.

- a text message is the customer's text; ``/start`` (Telegram's first message in a
  chat) greets;
- a button press (``callback_query``) sends the button's payload, like a click on the
  web widget;
- a photo, voice note, sticker, document and the like become a line such as
  ``[photo] caption`` with ``attachment`` in the metadata: the bot answers that it
  reads text only (bot.components.message_guard), and during a handoff the agent
  reads the line;
- an edited message becomes ``[edited] new text`` with ``edited`` in the metadata,
  answered the same way;
- anything else (a member joining a group, a poll closing...) is not a message.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional

START = "/start"
GREET = "/greet"
MEDIA = {  # the update's field -> what the agent reads
    "photo": "photo", "voice": "voice message", "video_note": "video message", "video": "video",
    "audio": "audio", "sticker": "sticker", "animation": "GIF", "document": "document",
    "contact": "contact", "location": "location", "venue": "place", "poll": "poll", "dice": "dice",
}


@dataclass(frozen=True)
class Incoming:
    sender_id: str            # the chat's id: where replies go
    text: str
    metadata: Dict[str, Any] = field(default_factory=dict)
    callback_query_id: Optional[str] = None  # a button press, to be answered


def incoming(update: Any) -> Optional[Incoming]:
    """The customer's message in ``update``, or None when it carries none."""
    if not isinstance(update, Mapping):
        return None
    base = {"telegram_update_id": update.get("update_id")}
    query = update.get("callback_query")
    if isinstance(query, Mapping):
        return _button(query, base)
    edited = update.get("edited_message")
    if isinstance(edited, Mapping) and _chat(edited):
        text = edited.get("text") or edited.get("caption") or ""
        return Incoming(_chat(edited), f"[edited] {text}".strip(), {**base, "edited": True})
    message = update.get("message")
    if not isinstance(message, Mapping) or not _chat(message):
        return None
    if isinstance(message.get("text"), str):
        return Incoming(_chat(message), _command(message["text"]), base)
    kind = next((k for k in MEDIA if message.get(k) is not None), None)
    if kind is None:
        return None
    return Incoming(_chat(message), _media_line(kind, message), {**base, "attachment": kind})


def _button(query: Mapping[str, Any], base: Dict[str, Any]) -> Optional[Incoming]:
    message = query.get("message") if isinstance(query.get("message"), Mapping) else {}
    sender = _chat(message) or _id(query.get("from"))
    data = query.get("data")
    if not sender or not isinstance(data, str):
        return None
    return Incoming(sender, data, {**base, "button": True}, str(query.get("id") or "") or None)


def _command(text: str) -> str:
    """``/start`` (and ``/start <deep link>``, ``/start@ShopBot``) greets."""
    first = text.strip().split(" ", 1)[0].split("@", 1)[0]
    return GREET if first == START else text


def _media_line(kind: str, message: Mapping[str, Any]) -> str:
    label = MEDIA[kind]
    detail = ""
    if kind == "sticker":
        detail = (message.get("sticker") or {}).get("emoji") or ""
    elif kind == "document":
        detail = (message.get("document") or {}).get("file_name") or ""
    line = f"[{label}{': ' + detail if detail else ''}]"
    caption = message.get("caption")
    return f"{line} {caption}" if isinstance(caption, str) and caption.strip() else line


def _chat(message: Any) -> str:
    return _id(message.get("chat")) if isinstance(message, Mapping) else ""


def _id(entity: Any) -> str:
    value = entity.get("id") if isinstance(entity, Mapping) else None
    return str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value) else ""
