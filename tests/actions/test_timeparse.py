from __future__ import annotations

from datetime import datetime, time

import pytest

from actions.settings import ShopSettings
from actions.timeparse import AskBack, ExactTime, Impossible, TimeContext, TimeOptions, TimeWindow, read_when
from tests.actions.conftest import LONDON, NOW


@pytest.fixture
def ctx(shop: ShopSettings) -> TimeContext:
    return TimeContext(NOW, shop.day_first, shop.day_parts, shop.max_days_ahead)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("next Tuesday at 11am", local(2026, 12, 1, 11, 0)),
        ("the 3rd at 2pm", local(2026, 12, 3, 14, 0)),
        ("can you call me tomorrow at 3:30pm please", local(2026, 11, 25, 15, 30)),
        ("December 5 at 14:30", local(2026, 12, 5, 14, 30)),
        ("5th of December at 9am", local(2026, 12, 5, 9, 0)),
        ("5/12 at 2pm", local(2026, 12, 5, 14, 0)),  # day first, as in the UK
        ("in 2 days at 10am", local(2026, 11, 26, 10, 0)),
        ("2026-12-01 10:00", local(2026, 12, 1, 10, 0)),
        ("at 2", local(2026, 11, 25, 14, 0)),  # "at 2" in shop hours is 14:00, today's has passed
        ("4pm", local(2026, 11, 24, 16, 0)),  # later today
        ("yesterday at 3pm", local(2026, 11, 23, 15, 0)),  # in the past: the form rejects it
        ("in three weeks on wednesday at 3pm", local(2026, 12, 16, 15, 0)),
    ],
)
def test_reads_exact_times(ctx: TimeContext, text: str, expected: datetime) -> None:
    assert read_when(text, ctx) == ExactTime(expected)


def test_a_day_part_is_a_window_not_a_guess(ctx: TimeContext) -> None:
    assert read_when("tomorrow morning", ctx) == TimeWindow(local(2026, 11, 25, 9, 0), local(2026, 11, 25, 12, 0))
    both = read_when("Tuesday or Wednesday afternoon", ctx)  # on a Tuesday: tomorrow or next Tuesday
    assert isinstance(both, TimeOptions) and [w.start.day for w in both.windows] == [25, 1]
    assert all((w.start.hour, w.end.hour) == (12, 17) for w in both.windows)


@pytest.mark.parametrize("text", ["31 February at 10am", "February 30th at 9am", "2026-02-30 10:00", "the 45th at 2pm"])
def test_impossible_dates_are_named(ctx: TimeContext, text: str) -> None:
    assert isinstance(read_when(text, ctx), Impossible)


def test_impossible_date_message(ctx: TimeContext) -> None:
    assert read_when("31 February", ctx) == Impossible("February doesn't have 31 days")


@pytest.mark.parametrize("text", ["hello", "10001", "my order 12345 please", "book an appointment", "🙂🙂",
                                  "I may come in", "as soon as I sat down it broke"])
def test_no_time_in_text(ctx: TimeContext, text: str) -> None:
    assert read_when(text, ctx) is None


def test_a_clash_of_weekday_and_date_asks_with_both(ctx: TimeContext) -> None:
    question = read_when("Thursday 2nd December at 10", ctx)  # the 2nd is a Wednesday
    assert isinstance(question, AskBack) and "Wednesday" in question.understood
    assert set(question.choices) == {ExactTime(local(2026, 12, 2, 10, 0)), ExactTime(local(2026, 11, 26, 10, 0))}


def test_month_first_locale(shop: ShopSettings) -> None:
    us = TimeContext(NOW, False, shop.day_parts, shop.max_days_ahead)
    assert read_when("12/3 at 10am", us) == ExactTime(local(2026, 12, 3, 10, 0))


def test_same_time_next_week_needs_a_booking(ctx: TimeContext) -> None:
    assert isinstance(read_when("same time next week", ctx), AskBack)
    booked = TimeContext(NOW, True, ctx.day_parts, 60, booked=local(2026, 11, 26, 11, 0))
    assert read_when("same time next week", booked) == ExactTime(local(2026, 12, 3, 11, 0))


def test_daylight_saving_offset_follows_the_date(ctx: TimeContext) -> None:
    summer = read_when("June 10 at 10am", ctx)
    assert isinstance(summer, ExactTime) and summer.at.utcoffset().total_seconds() == 3600
    assert summer.at.time() == time(10, 0)
