"""The event broker's outbox: a SQLite file (next to the tracker store) where each
customer event is written before it is sent, and deleted once the handoff service took
it, so a restart of Rasa or of the service loses nothing.

``publish`` in Rasa's EventBroker API is synchronous and runs on the event loop, so
writes must be short: one INSERT on a local file in WAL mode with synchronous=NORMAL
(well under a millisecond; a crash of the process cannot lose a committed row, a power
cut can lose the last few). Rows keep the order Rasa published them in (``seq``).

A row may be ``held``: written while the tracker store saves the same events, delivered
only once it has saved them (handoff.broker, bot.tracker_store). Held rows left by a
process that stopped in between are settled against the tracker when Rasa starts."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL,
    body TEXT NOT NULL,
    written_at REAL NOT NULL,
    refused TEXT,
    held INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_conversation ON outbox (conversation_id, seq);
CREATE TABLE IF NOT EXISTS outage_notices (
    conversation_id TEXT PRIMARY KEY,
    told_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Entry:
    seq: int
    event_id: str
    conversation_id: str
    event: Dict[str, Any]
    written_at: float


class Outbox:
    def __init__(self, path: Path) -> None:
        self.path = path
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            if "held" not in {row[1] for row in self._db.execute("PRAGMA table_info(outbox)")}:  # an older file
                self._db.execute("ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0")

    def add(self, event_id: str, conversation_id: str, event: Dict[str, Any], held: bool = False) -> None:
        """Written to deliver; `held`: not before it is released (its tracker store has not saved it yet)."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO outbox (event_id, conversation_id, body, written_at, held) "
                             "VALUES (?, ?, ?, ?, ?)",
                             (event_id, conversation_id, json.dumps(event), time.time(), int(held)))

    def release(self, event_ids: List[str]) -> None:
        """Held events to deliver now: the tracker store has them."""
        with self._lock:
            self._db.executemany("UPDATE outbox SET held = 0 WHERE event_id = ?", [(i,) for i in event_ids])

    def drop(self, event_ids: List[str]) -> None:
        """Held events the tracker store never saved: nobody is to see them."""
        with self._lock:
            self._db.executemany("DELETE FROM outbox WHERE event_id = ? AND held = 1", [(i,) for i in event_ids])

    def held(self) -> List[Entry]:
        """Events still held: their process stopped between writing them here and saving them."""
        with self._lock:
            rows = self._db.execute("SELECT seq, event_id, conversation_id, body, written_at FROM outbox "
                                    "WHERE held = 1 ORDER BY seq").fetchall()
        return [Entry(row[0], row[1], row[2], json.loads(row[3]), row[4]) for row in rows]

    def next_for(self, conversation_id: str) -> Optional[Entry]:
        """The oldest event of the conversation still to deliver."""
        with self._lock:
            row = self._db.execute("SELECT seq, event_id, conversation_id, body, written_at FROM outbox "
                                   "WHERE conversation_id = ? AND refused IS NULL AND held = 0 ORDER BY seq LIMIT 1",
                                   (conversation_id,)).fetchone()
        return Entry(row[0], row[1], row[2], json.loads(row[3]), row[4]) if row else None

    def done(self, seq: int) -> None:
        """Delivered. A conversation whose backlog drained may be told again in a later outage."""
        with self._lock:
            row = self._db.execute("SELECT conversation_id FROM outbox WHERE seq = ?", (seq,)).fetchone()
            self._db.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
            if row is not None:
                self._db.execute("DELETE FROM outage_notices WHERE conversation_id = ? AND NOT EXISTS "
                                 "(SELECT 1 FROM outbox WHERE conversation_id = ? AND refused IS NULL AND held = 0)",
                                 (row[0], row[0]))

    def waiting_since(self, conversation_id: str) -> Optional[float]:
        """When the conversation's oldest event still to deliver was written (None: nothing waits)."""
        with self._lock:
            row = self._db.execute("SELECT min(written_at) FROM outbox WHERE conversation_id = ? "
                                   "AND refused IS NULL AND held = 0", (conversation_id,)).fetchone()
        return row[0] if row else None

    def tell_once(self, conversation_id: str) -> bool:
        """True the first time it is asked for this conversation's backlog: the customer is told once
        that their messages wait (handoff.relay.outage)."""
        with self._lock:
            cursor = self._db.execute("INSERT OR IGNORE INTO outage_notices (conversation_id, told_at) VALUES (?, ?)",
                                      (conversation_id, time.time()))
        return cursor.rowcount == 1

    def refuse(self, seq: int, why: str) -> None:
        """Kept for the operator, never sent again: the service refused it as malformed."""
        with self._lock:
            self._db.execute("UPDATE outbox SET refused = ? WHERE seq = ?", (why[:500], seq))

    def pending(self, conversation_id: Optional[str] = None) -> int:
        query, args = "SELECT count(*) FROM outbox WHERE refused IS NULL AND held = 0", ()
        if conversation_id is not None:
            query, args = query + " AND conversation_id = ?", (conversation_id,)
        with self._lock:
            return int(self._db.execute(query, args).fetchone()[0])

    def conversations(self) -> List[str]:
        """Conversations with events to deliver, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT conversation_id, min(seq) AS first FROM outbox "
                                    "WHERE refused IS NULL AND held = 0 "
                                    "GROUP BY conversation_id ORDER BY first").fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
