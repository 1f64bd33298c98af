"""Appointments in SQLite. A partial unique index on (kind, start) for live bookings
makes double booking impossible, also under concurrent requests: the second insert
fails inside the database and becomes ``SlotTaken``.

The calls are blocking sqlite3; async callers use the ``a*`` wrappers, which run
them in a worker thread so the action server's event loop never waits on disk.
"""
from __future__ import annotations

import asyncio
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, List, Optional

from actions.errors import SlotTaken, StoreUnavailable

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS bookings (
    reference TEXT PRIMARY KEY,
    customer TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_utc TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'booked',
    created_utc TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS one_booking_per_slot
    ON bookings (kind, start_utc) WHERE status = 'booked';
CREATE INDEX IF NOT EXISTS bookings_by_customer ON bookings (customer, status);
"""


@dataclass(frozen=True)
class Booking:
    reference: str
    customer: str
    kind: str
    start: datetime  # aware, UTC
    status: str = "booked"


def new_reference() -> str:
    return "BK-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class BookingStore:
    """SQLite-backed bookings; one short connection per call, WAL for concurrency."""

    def __init__(self, path: Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One transaction on a fresh connection, committed on success, always closed."""
        try:
            conn = sqlite3.connect(self._path, timeout=10)
        except sqlite3.Error as exc:
            raise StoreUnavailable("booking store", str(exc)) from exc
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def book(self, customer: str, kind: str, start: datetime) -> Booking:
        booking = Booking(new_reference(), customer, kind, _utc(start))
        try:
            with self._connect() as conn:
                conn.execute(
                    "INSERT INTO bookings (reference, customer, kind, start_utc, created_utc) VALUES (?, ?, ?, ?, ?)",
                    (booking.reference, customer, kind, _iso(booking.start), _iso(datetime.now(timezone.utc))),
                )
        except sqlite3.IntegrityError as exc:
            raise SlotTaken(kind, _iso(booking.start)) from exc
        return booking

    def reschedule(self, reference: str, start: datetime) -> Booking:
        current = self.get(reference)
        if current is None or current.status != "booked":
            raise KeyError(reference)
        try:
            with self._connect() as conn:
                conn.execute("UPDATE bookings SET start_utc = ? WHERE reference = ?", (_iso(_utc(start)), reference))
        except sqlite3.IntegrityError as exc:
            raise SlotTaken(current.kind, _iso(_utc(start))) from exc
        return Booking(reference, current.customer, current.kind, _utc(start))

    def cancel(self, reference: str) -> bool:
        with self._connect() as conn:
            cursor = conn.execute(
                "UPDATE bookings SET status = 'cancelled' WHERE reference = ? AND status = 'booked'", (reference,)
            )
        return cursor.rowcount == 1

    def get(self, reference: str) -> Optional[Booking]:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT reference, customer, kind, start_utc, status FROM bookings WHERE reference = ?",
                (reference.upper(),),
            ).fetchone()
        return _booking(row) if row else None

    def upcoming(self, customer: str, now: datetime) -> List[Booking]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT reference, customer, kind, start_utc, status FROM bookings "
                "WHERE customer = ? AND status = 'booked' AND start_utc > ? ORDER BY start_utc",
                (customer, _iso(_utc(now))),
            ).fetchall()
        return [_booking(r) for r in rows]

    def latest(self, customer: str) -> Optional[Booking]:
        """The customer's most recently made live booking ("same time next week" refers to it)."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT reference, customer, kind, start_utc, status FROM bookings "
                "WHERE customer = ? AND status = 'booked' ORDER BY created_utc DESC, rowid DESC LIMIT 1",
                (customer,),
            ).fetchone()
        return _booking(row) if row else None

    def taken(self, kind: str, start: datetime, end: datetime) -> List[datetime]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT start_utc FROM bookings WHERE kind = ? AND status = 'booked' AND start_utc BETWEEN ? AND ?",
                (kind, _iso(_utc(start)), _iso(_utc(end))),
            ).fetchall()
        return [datetime.fromisoformat(r[0]) for r in rows]

    async def abook(self, customer: str, kind: str, start: datetime) -> Booking:
        return await asyncio.to_thread(self.book, customer, kind, start)

    async def areschedule(self, reference: str, start: datetime) -> Booking:
        return await asyncio.to_thread(self.reschedule, reference, start)

    async def acancel(self, reference: str) -> bool:
        return await asyncio.to_thread(self.cancel, reference)

    async def aget(self, reference: str) -> Optional[Booking]:
        return await asyncio.to_thread(self.get, reference)

    async def aupcoming(self, customer: str, now: datetime) -> List[Booking]:
        return await asyncio.to_thread(self.upcoming, customer, now)

    async def alatest(self, customer: str) -> Optional[Booking]:
        return await asyncio.to_thread(self.latest, customer)

    async def ataken(self, kind: str, start: datetime, end: datetime) -> List[datetime]:
        return await asyncio.to_thread(self.taken, kind, start, end)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _booking(row: tuple) -> Booking:
    return Booking(row[0], row[1], row[2], datetime.fromisoformat(row[3]), row[4])
