"""A Rasa event broker that carries customers' messages to the handoff service, so an
agent sees what the customer writes while the conversation is paused. It is the
embedded default (endpoints.yml); scaled out, Rasa's own Pika broker takes its place.

    event_broker:
      type: handoff.broker.HandoffEventBroker
      url: http://127.0.0.1:5006        # the handoff service
      outbox: var/outbox.db             # default: $SHOP_DATA_DIR/outbox.db
      outage_notice_after: 30           # or HANDOFF_OUTAGE_NOTICE_AFTER (handoff.relay.outage)
      # the token is HANDOFF_SERVICE_TOKEN from the environment

Besides customers' messages it carries the handoff policy's reasons (the slot
``handoff_reasons``), which the service counts as the Rasa side's trigger firings.

Nothing is lost: each customer event gets an id and is written to the outbox
(handoff.relay.outbox) before anything is sent, and leaves it only when the service
has taken it (or already had it: the service recognises the id). While the tracker store
saves the same events the rows are held (``holding``), so a message Rasa did not save
(it stopped in between, or the save failed) never reaches the agent. Delivery runs one
lane per conversation, so a conversation's events arrive in the order Rasa published
them while conversations go concurrently; a lane retries with backoff for as long as
it takes. On start, the broker resends whatever the outbox still holds. Each event
carries how many more of its conversation are waiting, which the agent's console
shows while a backlog drains. A customer whose messages have waited `outage_notice_after`
seconds is told, once, that they are kept (handoff.relay.outage, from the channel)."""
from __future__ import annotations

import asyncio
import logging
import os
import random
from asyncio import AbstractEventLoop
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Text, Tuple

from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from handoff.http import RETRYABLE, HttpClient
from handoff.relay.ids import EVENT_ID, PENDING, new_id
from handoff.relay.outbox import Entry, Outbox

logger = logging.getLogger(__name__)
FORWARDED = ("user",)
# The reasons the handoff policy recorded: the service counts trigger firings from them (Prometheus).
COUNTED_SLOTS = ("handoff_reasons",)
REFUSED = (400, 413, 422)    # the service will never take it: kept in the outbox, not retried
# The events published inside HandoffEventBroker.holding() (per task: each save has its own).
_HOLDING: ContextVar[Optional[List[Tuple[str, str]]]] = ContextVar("handoff_broker_holding", default=None)
NOTICE_AFTER = 30.0  # seconds a customer's message may wait before they are told it is kept


class HandoffEventBroker(EventBroker):
    def __init__(self, url: str, token: str, outbox: Outbox, timeout: float = 10.0, max_backoff: float = 2.0,
                 concurrency: int = 32, notice_after: float = NOTICE_AFTER) -> None:
        self.url = url.rstrip("/")
        self.outbox, self.max_backoff = outbox, max_backoff
        self.notice_after = notice_after  # a backlog this old: the customer is told (handoff.relay.outage)
        self._http = HttpClient(timeout, 0, headers={"Authorization": f"Bearer {token}"})
        self._lanes: Dict[str, asyncio.Task] = {}
        self._concurrency = concurrency
        self._slots: Optional[asyncio.Semaphore] = None
        self._failing = False

    @classmethod
    async def from_endpoint_config(cls, broker_config: EndpointConfig,
                                   event_loop: Optional[AbstractEventLoop] = None) -> HandoffEventBroker:
        if not broker_config.url:
            raise ValueError("event_broker of type handoff.broker.HandoffEventBroker needs the 'url' of the "
                             "handoff service in endpoints.yml")
        token = os.environ.get("HANDOFF_SERVICE_TOKEN", "")  # its own secret, never Rasa's
        default = Path(os.environ.get("SHOP_DATA_DIR", "var")) / "outbox.db"
        notice_after = broker_config.kwargs.get("outage_notice_after") or os.environ.get("HANDOFF_OUTAGE_NOTICE_AFTER")
        broker = cls(broker_config.url, token, Outbox(Path(broker_config.kwargs.get("outbox") or default)),
                     notice_after=_seconds(notice_after, "outage_notice_after") if notice_after else NOTICE_AFTER)
        broker.resend_pending()
        return broker

    def publish(self, event: Dict[Text, Any]) -> None:
        counted = event.get("event") == "slot" and event.get("name") in COUNTED_SLOTS and event.get("value")
        if event.get("event") not in FORWARDED and not counted:
            return
        conversation = str(event.get("sender_id", ""))
        event = {**event, EVENT_ID: event.get(EVENT_ID) or new_id()}
        holding = _HOLDING.get()
        self.outbox.add(event[EVENT_ID], conversation, event, held=holding is not None)
        if holding is None:
            self._run_lane(conversation)
        else:
            holding.append((event[EVENT_ID], conversation))

    @contextmanager
    def holding(self) -> Iterator[None]:
        """What is published inside is written to the outbox at once but delivered only when the block
        ends without an error: the tracker store saves the same events inside it, so the agent never
        sees a message that Rasa's tracker does not have. On an error they are dropped; if the process
        stops inside, they stay held and are settled when Rasa starts (bot.tracker_store)."""
        held: List[Tuple[str, str]] = []
        token = _HOLDING.set(held)
        try:
            yield
        except BaseException:
            self.outbox.drop([event_id for event_id, _ in held])
            raise
        finally:
            _HOLDING.reset(token)
        self.release([event_id for event_id, _ in held], {conversation for _, conversation in held})

    def release(self, event_ids: List[str], conversations: Iterable[str]) -> None:
        self.outbox.release(event_ids)
        for conversation in conversations:
            self._run_lane(conversation)

    def resend_pending(self) -> None:
        """Start delivering what the outbox kept from before a restart."""
        waiting = self.outbox.conversations()
        if waiting:
            logger.info("resending %d events of %d conversations kept in %s", self.outbox.pending(), len(waiting),
                        self.outbox.path)
        for conversation in waiting:
            self._run_lane(conversation)

    def _run_lane(self, conversation: str) -> None:
        if conversation not in self._lanes:
            self._lanes[conversation] = asyncio.get_event_loop().create_task(self._lane(conversation))

    async def _lane(self, conversation: str) -> None:
        """Deliver the conversation's events one after the other until none is left."""
        try:
            while True:
                entry = self.outbox.next_for(conversation)
                if entry is None:
                    return
                await self._deliver(entry)
        finally:
            self._lanes.pop(conversation, None)

    async def _deliver(self, entry: Entry) -> None:
        """Until the service takes it (or refuses it for good)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._concurrency)
        attempt = 0
        while True:
            body = {**entry.event, PENDING: self.outbox.pending(entry.conversation_id) - 1}
            try:
                async with self._slots:
                    reply = await self._http.post(f"{self.url}/api/events", json=body)
                problem = None if reply.ok else f"answered {reply.status}: {reply.text[:200]}"
            except RETRYABLE as exc:
                reply, problem = None, f"could not be reached ({exc!r})"
            if problem is None:
                self.outbox.done(entry.seq)
                if self._failing:
                    self._failing = False
                    logger.info("the handoff service at %s takes events again", self.url)
                return
            if reply is not None and reply.status in REFUSED:
                logger.error("the handoff service refused event %s of %s for good (%s); it stays in %s",
                             entry.event_id, entry.conversation_id, problem, self.outbox.path)
                self.outbox.refuse(entry.seq, problem)
                return
            if not self._failing or attempt % 20 == 19:
                logger.error("the handoff service at %s %s; %d customer messages wait in %s and are retried",
                             self.url, problem, self.outbox.pending(), self.outbox.path)
                self._failing = True
            await asyncio.sleep(min(self.max_backoff, 0.1 * 2 ** attempt) * random.uniform(0.8, 1.2))
            attempt += 1

    async def close(self) -> None:
        """What is not delivered stays in the outbox for the next start."""
        lanes = list(self._lanes.values())
        if lanes:
            done, waiting = await asyncio.wait(lanes, timeout=5)
            for lane in waiting:
                lane.cancel()
            if waiting:
                logger.warning("%d events stay in %s for the next start", self.outbox.pending(), self.outbox.path)
        await self._http.close()
        self.outbox.close()


def _seconds(value: Any, key: str) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if not 0 < seconds < 86400:
        raise ValueError(f"event_broker '{key}' (or HANDOFF_OUTAGE_NOTICE_AFTER) must be a number of seconds "
                         f"between 0 and 86400, not {value!r}")
    return seconds
