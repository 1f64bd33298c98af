"""Who is talking: the customer always knows whether the bot or a person wrote a message.

The handoff service sends an agent's message as a bot event whose metadata names the
agent (``{"agent": "demo", "agent_name": "Sam"}``), and its own notices (a person has
joined, the bot is back) with ``{"handoff": "joined" | "returned" | ...}``. Rasa hands
that metadata to the output channel with the text. The tracker keeps the text as it was
written; each channel shows the speaker its own way:

- text-only channels (Telegram, the callback channel) put the name in front:
  ``Sam: I'm looking at your order now``;
- the web widget (socket.io) gets the text unchanged and metadata it can style: a CSS
  class (rasa-webchat's ``customCss``) and the agent's name, which web/agent-messages.js
  shows above the message.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Text

from rasa.core.channels.callback import CallbackInput, CallbackOutput
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.socketio import SocketIOOutput

AGENT_CLASS = "rw-agent-message"
NOTICE_CLASS = "rw-handoff-notice"


def speaker(metadata: Mapping[str, Any]) -> Optional[str]:
    """The person who wrote a bot message, or None for the bot and the desk's notices."""
    if metadata.get("handoff"):
        return None
    name = metadata.get("agent_name") or metadata.get("agent")
    return (str(name).strip() or None) if name else None


def named(text: str, metadata: Mapping[str, Any]) -> str:
    """The text as a text-only channel shows it: ``Sam: ...`` for a person's message."""
    name = speaker(metadata)
    return f"{name}: {text}" if name else text


def widget_metadata(metadata: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    """What the web widget needs to show a person's message or a desk notice apart."""
    name = speaker(metadata)
    if name:
        return {"agent_name": name, "customCss": {"style": "class", "css": AGENT_CLASS}}
    if metadata.get("handoff"):
        return {"handoff": str(metadata["handoff"]), "customCss": {"style": "class", "css": NOTICE_CLASS}}
    return None


class SpeakerSocketIOOutput(SocketIOOutput):
    """socket.io: a person's message (and a desk notice) is one message with styling metadata."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        extra = widget_metadata(kwargs)
        if extra is None:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        await self._send_message(recipient_id, {"text": text.strip(), "metadata": extra})


class SpeakerCallbackOutput(CallbackOutput):
    """The callback channel: a person's message is one message with the name in front."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        if speaker(kwargs) is None:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        await self._persist_message(self._message(recipient_id, text=named(text.strip(), kwargs)))


class SpeakerCallbackInput(CallbackInput):
    """Rasa's callback channel (``callback`` in credentials.yml) with the speaker's name, and
    personal data removed before Rasa sees a message (bot.channels.privacy)."""

    def blueprint(self, on_new_message: Any) -> Any:
        from bot.channels.outage import outage_aware
        from bot.channels.privacy import private

        return super().blueprint(private(outage_aware(on_new_message)))

    def get_output_channel(self) -> CollectingOutputChannel:
        return SpeakerCallbackOutput(self.callback_endpoint)
