"""The shop's appointment grid: which local times can be booked, and the nearest
free ones when a requested time cannot. Pure functions, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Collection, Iterator, List, Optional, Sequence, Tuple

from actions.settings import ShopSettings


@dataclass(frozen=True)
class SlotProblem:
    code: str  # past | too_far | closed | off_grid | taken
    message: str


def check(start: datetime, now: datetime, taken: Collection[datetime], shop: ShopSettings) -> Optional[SlotProblem]:
    """Why ``start`` (aware, shop timezone) cannot be booked, or None if it can."""
    if start <= now:
        return SlotProblem("past", "that time has already passed")
    if start - now > timedelta(days=shop.max_days_ahead):
        return SlotProblem("too_far", f"we only take bookings up to {shop.max_days_ahead} days ahead")
    if not is_open(start, shop):
        return SlotProblem("closed", f"we're closed then ({opening_summary(start, shop)})")
    if (start.minute % shop.slot_minutes) or start.second:
        return SlotProblem("off_grid", f"appointments start every {shop.slot_minutes} minutes")
    if start in taken:
        return SlotProblem("taken", "that slot is already booked")
    return None


def is_open(start: datetime, shop: ShopSettings) -> bool:
    hours = shop.opening_hours.get(start.weekday())
    if hours is None:
        return False
    end = start + timedelta(minutes=shop.slot_minutes)
    return hours[0] <= start.time() and (end.time() <= hours[1] and end.date() == start.date())


def opening_summary(start: datetime, shop: ShopSettings) -> str:
    hours = shop.opening_hours.get(start.weekday())
    day = start.strftime("%A")
    if hours is None:
        return f"closed all day on {day}s"
    return f"open {hours[0]:%H:%M}-{hours[1]:%H:%M} on {day}s"


def alternatives(
    wanted: datetime, now: datetime, taken: Collection[datetime], shop: ShopSettings, count: Optional[int] = None
) -> List[datetime]:
    """The ``count`` free slots nearest to ``wanted``, in time order."""
    count = count or shop.alternatives
    anchor = max(wanted, now)
    found: List[datetime] = []
    for slot in _outward(anchor, shop):
        if check(slot, now, taken, shop) is None:
            found.append(slot)
            if len(found) == count:
                break
    return sorted(found)


def free_in(
    windows: Sequence[Tuple[datetime, datetime]], now: datetime, taken: Collection[datetime], shop: ShopSettings,
    count: Optional[int] = None,
) -> List[datetime]:
    """Up to ``count`` free slots inside the windows [start, end): the earliest of each
    window in turn, so "Tuesday or Wednesday afternoon" offers both days."""
    count = count or shop.alternatives
    per_window = [_free_between(start, end, now, taken, shop) for start, end in windows]
    picked: List[datetime] = []
    for rank in range(max((len(f) for f in per_window), default=0)):
        for free in per_window:
            if rank < len(free) and free[rank] not in picked and len(picked) < count:
                picked.append(free[rank])
    return sorted(picked)


def _free_between(start: datetime, end: datetime, now: datetime, taken: Collection[datetime],
                  shop: ShopSettings) -> List[datetime]:
    step = timedelta(minutes=shop.slot_minutes)
    first = start.replace(second=0, microsecond=0)
    if first.minute % shop.slot_minutes or first < start:
        first += timedelta(minutes=shop.slot_minutes - first.minute % shop.slot_minutes)
    free: List[datetime] = []
    slot = first
    while slot < end and len(free) < 200:
        normal = _normal(slot)
        if normal >= start and check(normal, now, taken, shop) is None:
            free.append(normal)
        slot = _normal(slot + step)
    return free


def _outward(anchor: datetime, shop: ShopSettings) -> Iterator[datetime]:
    """Grid slots ordered by distance from ``anchor`` (later first on ties), 14 days each way."""
    step = timedelta(minutes=shop.slot_minutes)
    base = anchor.replace(second=0, microsecond=0)
    base -= timedelta(minutes=base.minute % shop.slot_minutes)
    limit = int(timedelta(days=14) / step)
    yield _normal(base)
    for i in range(1, limit):
        yield _normal(base + i * step)
        yield _normal(base - i * step)


def _normal(moment: datetime) -> datetime:
    """Re-attach the zone after arithmetic, so the offset is right across DST changes."""
    return moment.replace(tzinfo=None).replace(tzinfo=moment.tzinfo)
