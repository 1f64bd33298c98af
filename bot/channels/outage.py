"""The channel's part of handoff.relay.outage: a customer waiting for a person while the
handoff service cannot be reached is told, once, that their messages are kept.

With each message, when the conversation is paused and its oldest message still in the
event broker's outbox has waited long enough, the customer is told (the message's
metadata says so: ``handoff_outage_notice``). After each message on a channel that can
send at any time, a timer tells a customer who waits in silence, at the moment the
notice falls due."""
from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any, Dict, Optional

from rasa.core.channels.callback import CallbackOutput
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage

from handoff.relay.outage import FLAG, NOTICE, OutageNotice

logger = logging.getLogger(__name__)


def outage_aware(on_new_message: Any) -> Any:
    """The channel's callback, telling a waiting customer about an outage of the handoff service."""
    timers = Timers()

    async def handle(message: UserMessage) -> Any:
        notice, sender = _notice(), message.sender_id
        if notice is not None and sender and await tell(notice, sender, message.output_channel):
            message.metadata = {**(message.metadata if isinstance(message.metadata, dict) else {}), FLAG: True}
        result = await on_new_message(message)
        if notice is not None and sender and _can_push(message.output_channel):
            timers.start(notice, sender, message.output_channel)
        return result

    return handle


class Timers:
    """One timer per conversation whose messages wait, until the notice is due or nothing waits."""

    def __init__(self) -> None:
        self._running: Dict[str, asyncio.Task] = {}

    def start(self, notice: OutageNotice, sender: str, channel: OutputChannel) -> None:
        if sender not in self._running and notice.due_in(sender) is not None:
            self._running[sender] = asyncio.ensure_future(self._run(notice, sender, channel))

    async def _run(self, notice: OutageNotice, sender: str, channel: OutputChannel) -> None:
        try:
            while (left := notice.due_in(sender)) is not None and left > 0:
                await asyncio.sleep(left + 0.05)
            if left is not None:
                await tell(notice, sender, channel)
        except Exception:  # a timer must not take the channel down; the error is logged with its trace
            logger.exception("could not tell %s about the outage of the handoff service", sender)
        finally:
            self._running.pop(sender, None)


async def tell(notice: OutageNotice, sender: str, channel: OutputChannel) -> bool:
    """Tell the customer if the notice is due, the conversation waits for a person, and it was not given."""
    if notice.due_in(sender) != 0.0 or not await _paused(sender) or not notice.claim(sender):
        return False
    logger.warning("%s has waited %.0f s for the handoff service: the customer is told their messages are kept",
                   sender, notice.after)
    try:
        await channel.send_text_message(sender, NOTICE)
    except Exception as exc:  # the customer's own message must still reach Rasa
        logger.warning("could not tell %s about the outage: %r", sender, exc)
    return True


def _can_push(channel: Any) -> bool:
    """REST answers only the request it was given; the others can send at any time."""
    return not isinstance(channel, CollectingOutputChannel) or isinstance(channel, CallbackOutput)


def _agent() -> Any:
    from sanic import Sanic

    try:
        return getattr(Sanic.get_app().ctx, "agent", None)
    except Exception:  # no single Rasa server in this process (a test)
        return None


def _notice() -> Optional[OutageNotice]:
    store = getattr(_agent(), "tracker_store", None)
    return OutageNotice.of(getattr(store, "event_broker", None))


async def _paused(sender: str) -> bool:
    store = getattr(_agent(), "tracker_store", None)
    if store is None:
        return False
    tracker = store.retrieve(sender)
    tracker = await tracker if inspect.isawaitable(tracker) else tracker
    return tracker is not None and tracker.is_paused()
