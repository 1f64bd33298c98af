"""Personal data out of a customer's message before Rasa sees it: what the `bot`
audience of privacy.yml redacts (card numbers, IBANs, government IDs, passwords by
default) is replaced by `[REDACTED:<kind>]` in the channel, so Rasa's tracker store,
event broker and logs never hold it. The user event's metadata says which kinds were
removed (`redacted`); the first time a card number is removed in a conversation the
customer is told it was not kept and how to pay safely (handoff.privacy.notice)."""
from __future__ import annotations

import inspect
import logging
from typing import Any, Optional

from rasa.core.channels.channel import UserMessage

from handoff.privacy.notice import CARD_NOTICE, NOTICE_FLAG, told_before
from handoff.privacy.policy import Audience, PrivacyPolicy

logger = logging.getLogger(__name__)


def bot_audience() -> Audience:
    """The `bot` rules of privacy.yml (PRIVACY_CONFIG): read when a channel is set up."""
    return PrivacyPolicy.load().audience("bot")


def private(on_new_message: Any, audience: Optional[Audience] = None) -> Any:
    """The channel's callback with personal data removed from every message first."""
    rules = audience or bot_audience()

    async def handle(message: UserMessage) -> Any:
        if isinstance(message.text, str) and message.text:
            result = rules.redactor.redact(message.text)
            if result.changed:
                message.text = result.text
                metadata = dict(message.metadata) if isinstance(message.metadata, dict) else {}
                metadata["redacted"] = list(result.kinds)
                if "card_number" in result.kinds and not await _told(message.sender_id):
                    metadata[NOTICE_FLAG] = True
                    await _tell(message)
                message.metadata = metadata
        return await on_new_message(message)

    return handle


async def _told(sender_id: Optional[str]) -> bool:
    """Whether this conversation's tracker already has the notice (Rasa's tracker store)."""
    from sanic import Sanic

    try:
        agent = getattr(Sanic.get_app().ctx, "agent", None)
    except Exception:  # no single Rasa server in this process (a test): tell again rather than never
        return False
    store = getattr(agent, "tracker_store", None)
    if store is None or sender_id is None:
        return False
    tracker = store.retrieve(sender_id)
    tracker = await tracker if inspect.isawaitable(tracker) else tracker
    return tracker is not None and told_before(tracker.events)


async def _tell(message: UserMessage) -> None:
    try:
        await message.output_channel.send_text_message(message.sender_id, CARD_NOTICE)
    except Exception as exc:  # the message itself must still reach the bot
        logger.warning("could not tell the customer that a card number was not kept: %r", exc)
