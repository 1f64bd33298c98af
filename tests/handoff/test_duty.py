from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from handoff.errors import ConfigError
from handoff.service.duty import Duty, Hours

HOURS = Hours.parse("mon-fri 09:00-18:00; sat 10:00-16:00", "Europe/London")


@pytest.mark.parametrize("moment, open_", [
    (datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc), True),     # Monday 09:00 London (GMT)
    (datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc), False),   # closing time
    (datetime(2026, 11, 28, 15, 59, tzinfo=timezone.utc), True),   # Saturday
    (datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc), False),   # Sunday: not named, closed
    (datetime(2026, 7, 6, 8, 30, tzinfo=timezone.utc), True),      # Monday 09:30 London (BST)
])
def test_business_hours_in_the_configured_timezone(moment: datetime, open_: bool) -> None:
    assert HOURS.open_at(moment) is open_


@pytest.mark.parametrize("text, zone, message", [
    ("weekdays 9-5", "UTC", "'HANDOFF_HOURS' has 'weekdays 9-5'; write it like"),
    ("mon 25:00-26:00", "UTC", "impossible time"),
    ("mon 09:00-17:00", "Mars/Olympus", "'HANDOFF_TIMEZONE' is 'Mars/Olympus'"),
])
def test_wrong_hours_say_how_to_write_them(text: str, zone: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Hours.parse(text, zone)


async def test_someone_is_on_duty_within_hours_and_while_present() -> None:
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    duty = Duty(HOURS, idle_seconds=60)
    assert await duty.off_duty_reason(monday) == "nobody from our team is available right now"
    duty.saw("sam", monday)
    assert await duty.present(monday) == ["sam"] and await duty.off_duty_reason(monday) is None
    assert await duty.off_duty_reason(monday + timedelta(seconds=61)) == "nobody from our team is available right now"
    sunday = datetime(2026, 11, 29, 10, 0, tzinfo=timezone.utc)
    duty.saw("sam", sunday)
    assert (await duty.off_duty_reason(sunday)).startswith("our team is available mon-fri 09:00-18:00")


async def test_service_instances_on_one_database_share_who_is_present(tmp_path: Path) -> None:
    from handoff.service.store import SessionStore

    store = SessionStore.from_url(f"sqlite:///{tmp_path / 'handoff.db'}")
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    first, second = Duty(HOURS, 60, store), Duty(HOURS, 60, store)
    first.saw("sam", monday)
    first.saw("sam", monday + timedelta(seconds=1))  # within write_every: not written again
    await asyncio.gather(*first._tasks)
    assert await second.present(monday + timedelta(seconds=30)) == ["sam"]
    assert await second.off_duty_reason(monday + timedelta(seconds=30)) is None
    assert await second.present(monday + timedelta(seconds=61)) == []
    second.saw("kim", monday + timedelta(seconds=20))
    await asyncio.gather(*second._tasks)
    assert await first.present(monday + timedelta(seconds=30)) == ["kim", "sam"]
