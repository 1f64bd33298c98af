"""Several handoff service instances on one PostgreSQL database: what one instance
changes (a new session, an accept, a customer's message) reaches the agents connected
to every other instance, through PostgreSQL's own LISTEN/NOTIFY.

Each change is announced as {"kind", "id", "origin"} on one channel after its
transaction; each instance listens on a dedicated connection (in a thread, since the
driver is blocking), reads the changed row and pushes it to its own websockets. With
SQLite (one instance) there is nothing to fan out.
"""
from __future__ import annotations

import asyncio
import json
import logging
import select
import threading
import uuid
from typing import Any, Awaitable, Callable, Optional

import sqlalchemy as sa

from handoff.errors import HandoffError
from handoff.service.store import SessionStore

logger = logging.getLogger(__name__)
CHANNEL = "handoff_changes"


class Fanout:
    def __init__(self, store: SessionStore, deliver: Callable[[str, Any], Awaitable[None]]) -> None:
        """`deliver(kind, item)` pushes another instance's change to this one's agents."""
        self.store, self.deliver = store, deliver
        self.origin = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._queue: Optional[asyncio.Queue] = None

    async def announce(self, kind: str, item: Any) -> None:
        """A store listener: tell the other instances."""
        key = item.seq if kind == "message" else item.id
        payload = json.dumps({"kind": kind, "id": key, "origin": self.origin})
        try:
            await self.store.notify(CHANNEL, payload)
        except sa.exc.SQLAlchemyError as exc:  # the change itself is stored; other consoles poll
            logger.error("could not announce a %s change to other instances: %s", kind, exc)

    async def run(self) -> None:
        """Background task: listen until stopped, delivering other instances' changes."""
        loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._thread = threading.Thread(target=self._listen, args=(loop,), name="handoff-fanout", daemon=True)
        self._thread.start()
        while True:
            payload = await self._queue.get()
            try:
                await self._deliver(payload)
            except Exception:  # one bad notification must not end the loop; logged with its trace
                logger.exception("could not deliver %s", payload)

    def stop(self) -> None:
        self._stop.set()

    async def _deliver(self, payload: dict) -> None:
        if payload.get("origin") == self.origin:
            return
        try:
            if payload.get("kind") == "message":
                item = await self.store.message(int(payload["id"]))
            else:
                item = await self.store.get(str(payload["id"]))
        except HandoffError:
            return  # another deployment sharing the database
        await self.deliver(payload["kind"], item)

    def _listen(self, loop: asyncio.AbstractEventLoop) -> None:
        while not self._stop.is_set():
            try:
                self._listen_once(loop)
            except Exception as exc:  # the database went away: try again shortly
                logger.error("listening for other instances' changes failed (%r); retrying", exc)
                self._stop.wait(1.0)

    def _listen_once(self, loop: asyncio.AbstractEventLoop) -> None:
        engine = self.store.engine
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        connection = engine.dialect.dbapi.connect(*args, **kwargs)
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")
            while not self._stop.is_set():
                if select.select([connection], [], [], 0.5) == ([], [], []):
                    continue
                connection.poll()
                while connection.notifies:
                    note = connection.notifies.pop(0)
                    try:
                        payload = json.loads(note.payload)
                    except ValueError:
                        continue
                    loop.call_soon_threadsafe(self._queue.put_nowait, payload)
        finally:
            connection.close()
