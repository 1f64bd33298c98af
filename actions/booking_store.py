"""Appointments in SQL: a SQLite file by default, PostgreSQL by URL (``BOOKING_DB_URL``)
so that several action servers share one calendar. A partial unique index on
(kind, start) over live bookings makes double booking impossible in both, also under
concurrent requests: the second insert fails inside the database and becomes
``SlotTaken``.

The calls are blocking (SQLAlchemy); async callers use the ``a*`` wrappers, which run
them in a worker thread so the action server's event loop never waits on the database.
"""
from __future__ import annotations

import asyncio
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, List, Optional, Union

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from actions.errors import SlotTaken, StoreUnavailable

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BOOKED = "booked"

metadata = sa.MetaData()
bookings = sa.Table(
    "bookings", metadata,
    sa.Column("reference", sa.Text, primary_key=True),
    sa.Column("customer", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("start_utc", sa.Text, nullable=False),  # ISO 8601 in UTC, fixed width: sorts as time
    sa.Column("status", sa.Text, nullable=False, server_default=BOOKED),
    sa.Column("created_utc", sa.Text, nullable=False),
)
_LIVE = sa.text("status = 'booked'")
sa.Index("one_booking_per_slot", bookings.c.kind, bookings.c.start_utc, unique=True,
         sqlite_where=_LIVE, postgresql_where=_LIVE)
sa.Index("bookings_by_customer", bookings.c.customer, bookings.c.status)


@dataclass(frozen=True)
class Booking:
    reference: str
    customer: str
    kind: str
    start: datetime  # aware, UTC
    status: str = BOOKED


def new_reference() -> str:
    return "BK-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


class BookingStore:
    """Bookings in one SQL database: a SQLite file (a path) or any SQLAlchemy engine."""

    def __init__(self, where: Union[Path, Engine]) -> None:
        self.engine = _sqlite_engine(where) if isinstance(where, Path) else where
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str) -> BookingStore:
        """`sqlite:///var/bookings.db` or `postgresql://user:password@host:5432/db`."""
        try:
            parsed = sa.engine.make_url(url)
        except sa.exc.ArgumentError as exc:
            raise StoreUnavailable("booking store", f"BOOKING_DB_URL '{url}' is not a database URL") from exc
        if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
            return cls(Path(parsed.database))
        return cls(sa.create_engine(parsed, future=True, pool_pre_ping=True))

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One transaction, committed on success; an unreachable database is StoreUnavailable."""
        try:
            self._create_schema()
            with self.engine.begin() as conn:
                yield conn
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            raise StoreUnavailable("booking store", str(exc.orig or exc).strip()) from exc

    def _create_schema(self) -> None:
        """The table, then each index, on first use (in the caller's worker thread) and
        before any write: a store never writes without the unique index in place, even
        when action servers starting together race to create them (the loser finds
        them made)."""
        with self._schema_lock:
            if self._schema_ready:
                return
            for element in (bookings, *sorted(bookings.indexes, key=lambda index: str(index.name))):
                try:
                    element.create(self.engine, checkfirst=True)
                except (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.OperationalError):
                    element.create(self.engine, checkfirst=True)  # "already exists"; unreachable fails again
            self._schema_ready = True

    def book(self, customer: str, kind: str, start: datetime) -> Booking:
        booking = Booking(new_reference(), customer, kind, _utc(start))
        try:
            with self._transaction() as conn:
                conn.execute(bookings.insert().values(
                    reference=booking.reference, customer=customer, kind=kind, start_utc=_iso(booking.start),
                    status=BOOKED, created_utc=_iso(datetime.now(timezone.utc))))
        except sa.exc.IntegrityError as exc:
            raise SlotTaken(kind, _iso(booking.start)) from exc
        return booking

    def reschedule(self, reference: str, start: datetime) -> Booking:
        current = self.get(reference)
        if current is None or current.status != BOOKED:
            raise KeyError(reference)
        try:
            with self._transaction() as conn:
                conn.execute(bookings.update().where(bookings.c.reference == current.reference)
                             .values(start_utc=_iso(start)))
        except sa.exc.IntegrityError as exc:
            raise SlotTaken(current.kind, _iso(start)) from exc
        return Booking(current.reference, current.customer, current.kind, _utc(start))

    def cancel(self, reference: str) -> bool:
        with self._transaction() as conn:
            result = conn.execute(bookings.update()
                                  .where(bookings.c.reference == reference, bookings.c.status == BOOKED)
                                  .values(status="cancelled"))
        return result.rowcount == 1

    def get(self, reference: str) -> Optional[Booking]:
        with self._transaction() as conn:
            row = conn.execute(_select().where(bookings.c.reference == reference.upper())).first()
        return _booking(row) if row else None

    def upcoming(self, customer: str, now: datetime) -> List[Booking]:
        query = (_select().where(bookings.c.customer == customer, bookings.c.status == BOOKED,
                                 bookings.c.start_utc > _iso(now)).order_by(bookings.c.start_utc))
        with self._transaction() as conn:
            return [_booking(row) for row in conn.execute(query)]

    def latest(self, customer: str) -> Optional[Booking]:
        """The customer's most recently made live booking ("same time next week" refers to it)."""
        query = (_select().where(bookings.c.customer == customer, bookings.c.status == BOOKED)
                 .order_by(bookings.c.created_utc.desc(), bookings.c.reference.desc()).limit(1))
        with self._transaction() as conn:
            row = conn.execute(query).first()
        return _booking(row) if row else None

    def taken(self, kind: str, start: datetime, end: datetime) -> List[datetime]:
        query = (sa.select(bookings.c.start_utc)
                 .where(bookings.c.kind == kind, bookings.c.status == BOOKED,
                        bookings.c.start_utc.between(_iso(start), _iso(end))))
        with self._transaction() as conn:
            return [datetime.fromisoformat(row[0]) for row in conn.execute(query)]

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


def _sqlite_engine(path: Path) -> Engine:
    """A SQLite file in WAL mode; writers wait up to 10 s for each other."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(f"sqlite:///{path}", future=True, connect_args={"timeout": 10})

    @sa.event.listens_for(engine, "connect")
    def _wal(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    return engine


def _select() -> sa.sql.Select:
    return sa.select(bookings.c.reference, bookings.c.customer, bookings.c.kind, bookings.c.start_utc,
                     bookings.c.status)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _booking(row: Any) -> Booking:
    return Booking(row[0], row[1], row[2], datetime.fromisoformat(row[3]), row[4])
