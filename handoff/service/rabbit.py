"""Scaled out, Rasa publishes its events to RabbitMQ with its own Pika broker
(endpoints.yml `event_broker: type: pika`, listing this queue under `queues`); the
handoff service consumes that queue instead of receiving our broker's POSTs. Messages
are acknowledged only after they were handled, so nothing is lost on a restart; one that
was stored but not acknowledged comes again, and is recognised by its event id
(handoff.relay.ids) and not stored twice."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict

import aio_pika

from handoff.errors import RelayBusy

logger = logging.getLogger(__name__)
BUSY_PAUSE = 1.0  # seconds before a message whose desk notice is still being given comes again


async def consume_rasa_events(url: str, queue: str, handle: Callable[[Dict[str, Any]], Awaitable[Any]]) -> Any:
    """Start consuming; returns the connection (close it to stop)."""
    connection = await aio_pika.connect_robust(url)
    channel = await connection.channel()
    await channel.set_qos(prefetch_count=1)  # one at a time: the customer's messages stay in order
    declared = await channel.declare_queue(queue, durable=True)

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process(requeue=True):
            try:
                event = json.loads(message.body)
            except ValueError:
                logger.error("not a Rasa event on %s: %r", queue, message.body[:200])
                return
            try:
                await handle(event)
            except RelayBusy:  # an earlier try (of a stopped instance) still tells the desk: later
                await asyncio.sleep(BUSY_PAUSE)
                raise

    await declared.consume(on_message)
    logger.info("consuming Rasa's events from RabbitMQ queue %s", queue)
    return connection
