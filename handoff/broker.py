"""A Rasa event broker that carries customers' messages to the handoff service, so an
agent sees what the customer writes while the conversation is paused. It is the
embedded default (endpoints.yml); scaled out, Rasa's own Pika broker takes its place.

    event_broker:
      type: handoff.broker.HandoffEventBroker
      url: http://127.0.0.1:5006        # the handoff service
      # the token is HANDOFF_SERVICE_TOKEN from the environment

Events are sent one at a time from a queue, in the order Rasa published them, with
retries and backoff; an event that still cannot be delivered is logged as an error."""
from __future__ import annotations

import asyncio
import logging
import os
from asyncio import AbstractEventLoop
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from handoff.http import RETRYABLE, HttpClient

logger = logging.getLogger(__name__)
FORWARDED = ("user",)


class HandoffEventBroker(EventBroker):
    def __init__(self, url: str, token: str, retries: int = 3, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self._http = HttpClient(timeout, retries, headers={"Authorization": f"Bearer {token}"})
        self._queue: Optional[asyncio.Queue] = None
        self._worker: Optional[asyncio.Task] = None

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig,
                                   event_loop: Optional[AbstractEventLoop] = None) -> HandoffEventBroker:
        if not broker_config.url:
            raise ValueError("event_broker of type handoff.broker.HandoffEventBroker needs the 'url' of the "
                             "handoff service in endpoints.yml")
        token = os.environ.get("HANDOFF_SERVICE_TOKEN", "")  # its own secret, never Rasa's
        return cls(broker_config.url, token)

    def publish(self, event: Dict[Text, Any]) -> None:
        if event.get("event") not in FORWARDED:
            return
        if self._queue is None:
            self._queue = asyncio.Queue()
            self._worker = asyncio.get_event_loop().create_task(self._deliver_all())
        self._queue.put_nowait(event)

    async def _deliver_all(self) -> None:
        assert self._queue is not None
        while True:
            event = await self._queue.get()
            try:
                await self._deliver(event)
            finally:
                self._queue.task_done()

    async def _deliver(self, event: Dict[Text, Any]) -> None:
        try:
            reply = await self._http.post(f"{self.url}/api/events", json=event)
        except RETRYABLE as exc:
            logger.error("could not deliver an event of %s to the handoff service at %s: %r",
                         event.get("sender_id"), self.url, exc)
            return
        if reply.status >= 500:
            logger.error("the handoff service kept failing on an event of %s", event.get("sender_id"))
        elif reply.status >= 400:
            logger.error("handoff service refused an event (%s): %s", reply.status, reply.text[:200])

    async def close(self) -> None:
        if self._queue is not None:
            try:
                await asyncio.wait_for(self._queue.join(), timeout=5)
            except asyncio.TimeoutError:
                logger.error("%d events were not delivered to the handoff service", self._queue.qsize())
        if self._worker is not None:
            self._worker.cancel()
        await self._http.close()
