from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from actions.booking_store import BookingStore
from actions.errors import SlotTaken
from tests.actions.conftest import LONDON, NOW

SLOT = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)


def test_book_get_and_list(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "b.db")
    booking = store.book("alice", "store_visit", SLOT)
    assert booking.reference.startswith("BK-") and len(booking.reference) == 9
    assert store.get(booking.reference).start == SLOT
    assert [b.reference for b in store.upcoming("alice", NOW)] == [booking.reference]
    assert store.upcoming("bob", NOW) == []


def test_same_slot_twice_is_refused_but_other_kind_is_fine(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "b.db")
    store.book("alice", "store_visit", SLOT)
    with pytest.raises(SlotTaken):
        store.book("bob", "store_visit", SLOT)
    store.book("bob", "phone_callback", SLOT)


def test_cancelled_slot_can_be_booked_again(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "b.db")
    first = store.book("alice", "store_visit", SLOT)
    assert store.cancel(first.reference) and not store.cancel(first.reference)
    store.book("bob", "store_visit", SLOT)
    assert store.upcoming("alice", NOW) == []


def test_reschedule_onto_a_taken_slot_is_refused(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "b.db")
    store.book("alice", "store_visit", SLOT)
    other = store.book("bob", "store_visit", SLOT.replace(hour=11))
    with pytest.raises(SlotTaken):
        store.reschedule(other.reference, SLOT)
    moved = store.reschedule(other.reference, SLOT.replace(hour=12))
    assert store.get(moved.reference).start == SLOT.replace(hour=12)


def test_concurrent_bookings_of_one_slot_have_exactly_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    BookingStore(path)

    def attempt(i: int) -> bool:
        try:
            BookingStore(path).book(f"customer-{i}", "store_visit", SLOT)
            return True
        except SlotTaken:
            return False

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(attempt, range(64)))
    assert results.count(True) == 1
    assert len(BookingStore(path).taken("store_visit", SLOT, SLOT)) == 1


async def test_async_wrappers_run_off_the_event_loop(tmp_path: Path) -> None:
    store = BookingStore(tmp_path / "b.db")
    booking = await store.abook("alice", "phone_callback", SLOT)
    assert (await store.aget(booking.reference)).kind == "phone_callback"
    assert await store.ataken("phone_callback", SLOT, SLOT) == [SLOT]
