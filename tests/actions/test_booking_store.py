"""The booking store on SQLite (the embedded default) and on PostgreSQL (shared by
several action servers; HANDOFF_TEST_POSTGRES overrides the URL): the same
interface and the same one-booking-per-slot guarantee under concurrency."""
from __future__ import annotations

import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, List

import pytest
import sqlalchemy as sa

from actions.booking_store import BookingStore
from actions.errors import SlotTaken, StoreUnavailable
from actions.settings import ShopSettings
from tests.actions.conftest import LONDON, NOW
from tests.conftest import require
from tests.handoff.test_session_store import POSTGRES, postgres_up

SLOT = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
StoreFactory = Callable[[], BookingStore]


@contextmanager
def postgres_schema() -> Iterator[StoreFactory]:
    """Stores on a fresh schema of the test database, each with its own engine and
    connection pool as a separate action server has; the schema is dropped afterwards."""
    require(postgres_up(), f"PostgreSQL is not reachable at {POSTGRES}")
    schema = f"bookings_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES, future=True)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engines: List[sa.engine.Engine] = []

    def new_store() -> BookingStore:
        engines.append(sa.create_engine(POSTGRES, future=True, pool_size=8, max_overflow=8,
                                        connect_args={"options": f"-csearch_path={schema}"}))
        return BookingStore(engines[-1])

    try:
        yield new_store
    finally:
        for engine in engines:
            engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    """Opens the store; called again, another store on the same database (another action server)."""
    if request.param == "sqlite":
        yield lambda: BookingStore(tmp_path / "b.db")
        return
    with postgres_schema() as factory:
        yield factory


def test_book_get_and_list(new_store: StoreFactory) -> None:
    store = new_store()
    booking = store.book("alice", "store_visit", SLOT)
    assert booking.reference.startswith("BK-") and len(booking.reference) == 9
    assert store.get(booking.reference).start == SLOT
    assert store.get(booking.reference.lower()).customer == "alice"
    assert [b.reference for b in store.upcoming("alice", NOW)] == [booking.reference]
    assert store.upcoming("bob", NOW) == []
    assert store.get("BK-NOSUCH") is None


def test_same_slot_twice_is_refused_but_other_kind_is_fine(new_store: StoreFactory) -> None:
    store = new_store()
    store.book("alice", "store_visit", SLOT)
    with pytest.raises(SlotTaken):
        new_store().book("bob", "store_visit", SLOT)
    store.book("bob", "phone_callback", SLOT)
    assert len(store.taken("store_visit", SLOT, SLOT)) == 1


def test_cancelled_slot_can_be_booked_again(new_store: StoreFactory) -> None:
    store = new_store()
    first = store.book("alice", "store_visit", SLOT)
    assert store.cancel(first.reference) and not store.cancel(first.reference)
    store.book("bob", "store_visit", SLOT)
    assert store.upcoming("alice", NOW) == []
    assert store.get(first.reference).status == "cancelled"


def test_reschedule_onto_a_taken_slot_is_refused(new_store: StoreFactory) -> None:
    store = new_store()
    store.book("alice", "store_visit", SLOT)
    other = store.book("bob", "store_visit", SLOT.replace(hour=11))
    with pytest.raises(SlotTaken):
        store.reschedule(other.reference, SLOT)
    moved = store.reschedule(other.reference, SLOT.replace(hour=12))
    assert store.get(moved.reference).start == SLOT.replace(hour=12)
    assert store.taken("store_visit", SLOT, SLOT.replace(hour=12)) == [SLOT, SLOT.replace(hour=12)]


def test_upcoming_is_in_order_and_leaves_out_the_past(new_store: StoreFactory) -> None:
    store = new_store()
    later = store.book("alice", "store_visit", SLOT.replace(day=27))
    sooner = store.book("alice", "phone_callback", SLOT)
    store.book("alice", "store_visit", NOW.replace(hour=9))  # earlier today: past
    assert [b.reference for b in store.upcoming("alice", NOW)] == [sooner.reference, later.reference]


def test_concurrent_bookings_of_one_slot_have_exactly_one_winner(new_store: StoreFactory) -> None:
    store = new_store()

    def attempt(i: int) -> bool:
        try:
            store.book(f"customer-{i}", "store_visit", SLOT)
            return True
        except SlotTaken:
            return False

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(64)))
    assert results.count(True) == 1
    assert len(new_store().taken("store_visit", SLOT, SLOT)) == 1


def test_concurrent_bookings_through_several_stores_have_exactly_one_winner(new_store: StoreFactory) -> None:
    """As 8 action servers sharing one database: a store and connections each."""
    stores = [new_store() for _ in range(8)]

    def attempt(i: int) -> bool:
        try:
            stores[i % len(stores)].book(f"customer-{i}", "phone_callback", SLOT)
            return True
        except SlotTaken:
            return False

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(64)))
    assert results.count(True) == 1
    assert all(len(store.taken("phone_callback", SLOT, SLOT)) == 1 for store in stores)


def test_action_servers_starting_together_create_the_table_once(new_store: StoreFactory) -> None:
    stores = [new_store() for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(lambda store: store.upcoming("alice", NOW), stores)) == [[]] * 8
    stores[0].book("alice", "store_visit", SLOT)
    assert [len(store.upcoming("alice", NOW)) for store in stores] == [1] * 8


async def test_async_wrappers_run_off_the_event_loop(new_store: StoreFactory) -> None:
    store = new_store()
    booking = await store.abook("alice", "phone_callback", SLOT)
    assert (await store.aget(booking.reference)).kind == "phone_callback"
    assert await store.ataken("phone_callback", SLOT, SLOT) == [SLOT]
    moved = await store.areschedule(booking.reference, SLOT.replace(hour=11))
    assert [b.start for b in await store.aupcoming("alice", NOW)] == [moved.start]
    assert await store.acancel(booking.reference)


def test_booking_db_url_selects_the_database(tmp_path: Path) -> None:
    shop = ShopSettings.from_dict({}, "shop.yml", {"BOOKING_DB_URL": f"sqlite:///{tmp_path / 'x' / 'b.db'}"})
    store = BookingStore.from_url(shop.booking_db_url)
    store.book("alice", "store_visit", SLOT)
    assert (tmp_path / "x" / "b.db").exists()
    assert ShopSettings.from_dict({}, "shop.yml", {}).booking_db_url is None


def test_an_unreachable_database_says_so() -> None:
    store_engine = sa.create_engine("postgresql://nobody@127.0.0.1:1/none", future=True)
    store = BookingStore(store_engine)  # opening it does no I/O: that happens in the worker thread
    with pytest.raises(StoreUnavailable, match="booking store could not be reached"):
        store.get("BK-ABCDEF")
    with pytest.raises(StoreUnavailable, match="BOOKING_DB_URL 'not a url' is not a database URL"):
        BookingStore.from_url("not a url")


def test_a_bookings_db_from_the_sqlite3_store_opens_unchanged(tmp_path: Path) -> None:
    """The earlier store wrote this schema with sqlite3; its bookings and guarantee stay."""
    path = tmp_path / "b.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE bookings (reference TEXT PRIMARY KEY, customer TEXT NOT NULL, kind TEXT NOT NULL,"
            " start_utc TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'booked', created_utc TEXT NOT NULL);"
            "CREATE UNIQUE INDEX one_booking_per_slot ON bookings (kind, start_utc) WHERE status = 'booked';"
            "INSERT INTO bookings VALUES ('BK-OLD234', 'alice', 'store_visit', '2026-11-25T10:00:00+00:00',"
            " 'booked', '2026-11-20T10:00:00+00:00');")
    conn.close()
    store = BookingStore(path)
    assert store.get("BK-OLD234").start == SLOT
    with pytest.raises(SlotTaken):
        store.book("bob", "store_visit", SLOT)
