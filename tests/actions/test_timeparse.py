from __future__ import annotations

from datetime import date, datetime, time

import pytest

from actions.timeparse import combine, parse_when
from tests.actions.conftest import LONDON, NOW

DAY_PARTS = {"morning": time(10), "afternoon": time(14), "evening": time(17)}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("next Tuesday at 11am", datetime(2026, 12, 1, 11, 0)),
        ("tomorrow morning", datetime(2026, 11, 25, 10, 0)),
        ("the 3rd at 2pm", datetime(2026, 12, 3, 14, 0)),
        ("Friday afternoon", datetime(2026, 11, 27, 14, 0)),
        ("can you call me tomorrow at 3:30pm please", datetime(2026, 11, 25, 15, 30)),
        ("December 5 at 14:30", datetime(2026, 12, 5, 14, 30)),
        ("5th of December at 9am", datetime(2026, 12, 5, 9, 0)),
        ("5/12 at 2pm", datetime(2026, 12, 5, 14, 0)),  # day first, as in the UK
        ("in 2 days at 10am", datetime(2026, 11, 26, 10, 0)),
        ("2026-12-01 10:00", datetime(2026, 12, 1, 10, 0)),
        ("at 2", datetime(2026, 11, 25, 14, 0)),  # "at 2" in shop hours is 14:00, today's has passed
        ("4pm", datetime(2026, 11, 24, 16, 0)),  # later today
        ("yesterday at 3pm", datetime(2026, 11, 23, 15, 0)),  # in the past: the caller rejects it
    ],
)
def test_reads_natural_times(text: str, expected: datetime) -> None:
    moment = combine(parse_when(text, NOW, DAY_PARTS), NOW)
    assert moment == expected.replace(tzinfo=LONDON)


@pytest.mark.parametrize("text", ["31 February at 10am", "February 30th at 9am", "2026-02-30 10:00", "the 45th at 2pm"])
def test_impossible_dates_are_named(text: str) -> None:
    parsed = parse_when(text, NOW, DAY_PARTS)
    assert parsed.problem and parsed.day is None and combine(parsed, NOW) is None


def test_a_day_without_a_time_is_kept_apart() -> None:
    parsed = parse_when("tomorrow", NOW, DAY_PARTS)
    assert parsed.day == date(2026, 11, 25) and parsed.clock is None
    assert combine(parsed, NOW) is None


@pytest.mark.parametrize("text", ["hello", "10001", "my order 12345 please", "book an appointment", "🙂🙂"])
def test_no_time_in_text(text: str) -> None:
    assert not parse_when(text, NOW, DAY_PARTS).found


def test_daylight_saving_offset_follows_the_date() -> None:
    summer = combine(parse_when("June 10 at 10am", NOW, DAY_PARTS), NOW)
    assert summer is not None and summer.utcoffset().total_seconds() == 3600
