from __future__ import annotations

from datetime import datetime, timedelta

from actions import calendar
from actions.settings import ShopSettings
from tests.actions.conftest import LONDON, NOW


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def test_free_slot_in_opening_hours(shop: ShopSettings) -> None:
    assert calendar.check(at(25, 10), NOW, [], shop) is None


def test_problems_are_named(shop: ShopSettings) -> None:
    assert calendar.check(at(24, 10), NOW, [], shop).code == "past"
    assert calendar.check(at(29, 11), NOW, [], shop).code == "closed"  # Sunday
    assert calendar.check(at(28, 16), NOW, [], shop).code == "closed"  # Saturday closes at 16:00
    assert calendar.check(at(25, 17, 45), NOW, [], shop).code == "closed"  # would end after 18:00
    assert calendar.check(at(25, 10, 10), NOW, [], shop).code == "off_grid"
    assert calendar.check(at(25, 10), NOW, [at(25, 10)], shop).code == "taken"
    assert calendar.check(NOW + timedelta(days=90), NOW, [], shop).code == "too_far"


def test_alternatives_are_nearest_free_slots(shop: ShopSettings) -> None:
    taken = [at(25, 10), at(25, 10, 30)]
    options = calendar.alternatives(at(25, 10), NOW, taken, shop)
    assert options == [at(25, 9, 30), at(25, 11), at(25, 11, 30)] or options == [at(25, 9), at(25, 9, 30), at(25, 11)]
    assert all(calendar.check(o, NOW, taken, shop) is None for o in options)


def test_alternatives_for_a_closed_day_move_to_open_hours(shop: ShopSettings) -> None:
    options = calendar.alternatives(at(29, 12), NOW, [], shop)  # Sunday noon
    assert len(options) == shop.alternatives
    assert all(o.weekday() in (0, 5) for o in options)  # Saturday afternoon or Monday morning


def test_alternatives_for_the_past_start_after_now(shop: ShopSettings) -> None:
    options = calendar.alternatives(at(23, 10), NOW, [], shop)
    assert options and all(o > NOW for o in options)
    assert options[0] == at(24, 15, 30)


def test_free_slots_in_windows(shop: ShopSettings) -> None:
    saturday = (at(28, 0), at(29, 0))
    assert calendar.free_in([saturday], NOW, [at(28, 10)], shop, count=30)[0] == at(28, 10, 30)
    assert calendar.free_in([saturday], NOW, [at(28, 10)], shop, count=30)[-1] == at(28, 15, 30)
    assert calendar.free_in([(at(29, 0), at(30, 0))], NOW, [], shop) == []  # closed on Sundays
    two_afternoons = [(at(25, 12), at(25, 17)), (at(26, 12), at(26, 17))]
    assert calendar.free_in(two_afternoons, NOW, [at(25, 12)], shop) == [at(25, 12, 30), at(25, 13), at(26, 12)]
    assert calendar.free_in([(at(24, 14, 10), at(24, 17))], NOW, [], shop)[0] == at(24, 15, 30)  # after now


def test_free_slots_keep_local_hours_across_the_clock_change(shop: ShopSettings) -> None:
    now = at(26, 9, month=3).replace(year=2027)  # Friday; clocks go forward on Sunday 28 March
    friday, monday = now.replace(hour=12), now.replace(day=29, hour=12)
    free = calendar.free_in([(friday, friday.replace(hour=13)), (monday, monday.replace(hour=13))], now, [], shop,
                            count=4)
    assert [(f.day, f.strftime("%H:%M"), f.utcoffset().total_seconds()) for f in free] == [
        (26, "12:00", 0), (26, "12:30", 0), (29, "12:00", 3600), (29, "12:30", 3600)]
