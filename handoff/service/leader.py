"""One service instance at a time does what must happen once and in order: consuming
Rasa's event queue on RabbitMQ (two competing consumers could store a customer's
messages out of order). The instances elect that one with a PostgreSQL advisory lock,
held on a connection of its own: if the holder stops or loses its database
connection, the lock is freed and another instance takes over within `every` seconds.
"""
from __future__ import annotations

import asyncio
import logging
import zlib
from typing import Any, Awaitable, Callable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

logger = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable advisory-lock key per job (e.g. per queue), so unrelated jobs do not block each other."""
    return zlib.crc32(f"handoff:{name}".encode()) - 2**31  # PostgreSQL's bigint, any sign


class Leadership:
    def __init__(self, engine: Engine, name: str, key: int) -> None:
        self.engine, self.name, self.key = engine, name, key
        self._connection: Optional[Connection] = None

    @property
    def leading(self) -> bool:
        return self._connection is not None

    def _try(self) -> bool:
        """Blocking: take the lock, or check that the connection holding it is still alive."""
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT 1"))
                self._connection.commit()
                return True
            except sa.exc.SQLAlchemyError:
                self._drop()
                return False
        connection = self.engine.connect()  # one of the pool's, kept while leading
        try:
            won = connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
            connection.commit()  # the lock is held by the session, not the transaction
        except sa.exc.SQLAlchemyError:
            connection.close()
            raise
        if not won:
            connection.close()
            return False
        self._connection = connection
        return True

    def _drop(self) -> None:
        """Let go: the connection goes back to the pool unlocked, or, broken, is thrown away
        (its database session ends, which frees the lock)."""
        if self._connection is None:
            return
        connection, self._connection = self._connection, None
        try:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
            connection.commit()
            connection.close()
        except sa.exc.SQLAlchemyError:
            connection.invalidate()
            connection.close()

    async def check(self) -> bool:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(None, self._try)
        except sa.exc.SQLAlchemyError as exc:
            logger.error("%s: could not reach the database to elect a leader: %s", self.name, exc)
            return False

    async def release(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self._drop)

    async def run(self, start: Callable[[], Awaitable[Any]], stop: Callable[[Any], Awaitable[None]],
                  every: float = 2.0) -> None:
        """Background task: `start()` when this instance becomes the leader, `stop(handle)` when it is no
        longer; release on cancel."""
        handle = None
        try:
            while True:
                leading = await self.check()
                if leading and handle is None:
                    logger.info("%s: this instance leads", self.name)
                    handle = await start()
                elif not leading and handle is not None:
                    logger.warning("%s: this instance no longer leads", self.name)
                    await stop(handle)
                    handle = None
                await asyncio.sleep(every)
        finally:
            if handle is not None:
                await stop(handle)
            await self.release()
