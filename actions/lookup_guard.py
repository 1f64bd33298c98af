"""Failed order lookups, counted where a new chat cannot reset them.

A failure (an unknown number, or an email that is not the order's) is recorded under
three keys in a small SQLite file next to the order store: the conversation (its
sender id), the order number and the email (as a SHA-256 digest, never in clear). A
lookup is refused while any key has too many failures within the window:

- the conversation: ``per_conversation`` (3), so ``/restart`` does not give new tries;
- the order number and the email: ``max_failures`` (5) across every conversation, so
  guessing the owner of one order from many fresh chats stops after a few tries.

Blocking calls run in a worker thread."""
from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Callable, List, Tuple

from actions.errors import StoreUnavailable


def keys(sender: str, number: str, email: str) -> List[Tuple[str, str]]:
    """(kind, key) of one lookup."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [("conversation", f"conversation:{sender}"), ("order", f"order:{number}"), ("email", f"email:{digest}")]


class LookupGuard:
    def __init__(self, path: Path, max_failures: int = 5, per_conversation: int = 3,
                 window_seconds: float = 3600.0, clock: Callable[[], float] = time.time) -> None:
        self._path, self.max_failures, self.per_conversation = path, max_failures, per_conversation
        self.window_seconds, self._clock = window_seconds, clock
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self._path)) as conn, conn:
                conn.execute("CREATE TABLE IF NOT EXISTS lookup_failures (key TEXT NOT NULL, at REAL NOT NULL)")
                conn.execute("CREATE INDEX IF NOT EXISTS lookup_failures_key_at ON lookup_failures (key, at)")
            self._ready = True
        return sqlite3.connect(self._path, timeout=5)

    def _limit(self, kind: str) -> int:
        return self.per_conversation if kind == "conversation" else self.max_failures

    def conversation_failures_blocking(self, sender: str) -> int:
        return self._count(f"conversation:{sender}")

    def blocked_blocking(self, sender: str, number: str, email: str) -> bool:
        """Too many failures for this conversation, this order or this email."""
        return any(self._count(key) >= self._limit(kind) for kind, key in keys(sender, number, email))

    def _count(self, key: str) -> int:
        since = self._clock() - self.window_seconds
        try:
            with closing(self._connect()) as conn:
                row = conn.execute("SELECT COUNT(*) FROM lookup_failures WHERE key = ? AND at > ?",
                                   (key, since)).fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable("lookup guard", str(exc)) from exc
        return int(row[0])

    def failed_blocking(self, sender: str, number: str, email: str) -> None:
        now = self._clock()
        try:
            with closing(self._connect()) as conn, conn:
                conn.executemany("INSERT INTO lookup_failures (key, at) VALUES (?, ?)",
                                 [(key, now) for _, key in keys(sender, number, email)])
                conn.execute("DELETE FROM lookup_failures WHERE at <= ?", (now - self.window_seconds,))
        except sqlite3.Error as exc:
            raise StoreUnavailable("lookup guard", str(exc)) from exc

    async def conversation_failures(self, sender: str) -> int:
        return await asyncio.to_thread(self.conversation_failures_blocking, sender)

    async def blocked(self, sender: str, number: str, email: str) -> bool:
        return await asyncio.to_thread(self.blocked_blocking, sender, number, email)

    async def failed(self, sender: str, number: str, email: str) -> None:
        await asyncio.to_thread(self.failed_blocking, sender, number, email)
