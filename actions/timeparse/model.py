"""What a message says about when: the readings the parser returns, and what it
needs to know to read relative expressions."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Dict, Optional, Tuple, Union

# A named part of the day: one time ("noon") or a window of local clock times
# [start, end) ("afternoon"); time(0) as an end means midnight.
DayPart = Union[time, Tuple[time, time]]


class Unsettled(Exception):
    """Root of the signals the rules raise while reading (a date that cannot exist, a
    clash, two possible days); read_when turns each into a reading, so none leaves the
    package."""


@dataclass(frozen=True)
class TimeContext:
    """Everything relative expressions are read against; ``now`` is aware, in the shop's zone."""

    now: datetime
    day_first: bool = True  # 3/12 is 3 December
    day_parts: Dict[str, DayPart] = field(default_factory=dict)
    horizon_days: int = 60  # how far ahead bookings are taken
    booked: Optional[datetime] = None  # the booking "same time next week" refers to

    @property
    def today(self) -> date:
        return self.now.date()


@dataclass(frozen=True)
class ExactTime:
    """One moment: "tomorrow at 2pm"."""

    at: datetime


@dataclass(frozen=True)
class TimeWindow:
    """Start inclusive, end exclusive: "Friday afternoon" is Friday 12:00-17:00."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class TimeOptions:
    """Several windows, any of them will do: "Tuesday or Wednesday afternoon"."""

    windows: Tuple[TimeWindow, ...]


@dataclass(frozen=True)
class AskBack:
    """Understood in part, or in more than one way: say what was understood and ask.

    ``understood`` is a phrase for the question ("Tuesday 22 December"); ``choices`` are
    the readings to offer (empty when only the customer can fill the gap).
    """

    understood: str
    choices: Tuple[Reading, ...] = ()
    missing: str = ""  # "booking": "same time" with no booking to take the time from


@dataclass(frozen=True)
class Impossible:
    """A date that cannot exist: "31 February"."""

    problem: str


Reading = Union[ExactTime, TimeWindow, TimeOptions, AskBack, Impossible]


def windows_of(reading: Reading) -> Tuple[TimeWindow, ...]:
    """The windows to search for free slots, for the readings that have them."""
    if isinstance(reading, TimeWindow):
        return (reading,)
    if isinstance(reading, TimeOptions):
        return reading.windows
    return ()


def at_clock(day: date, clock: time, now: datetime) -> datetime:
    """``day`` at local ``clock`` in now's zone; time(0) as an end is the next midnight."""
    return datetime.combine(day, clock, tzinfo=now.tzinfo)


def window(day: date, span: Tuple[time, time], now: datetime) -> TimeWindow:
    end_day = day + timedelta(days=1) if span[1] == time(0) else day
    return TimeWindow(at_clock(day, span[0], now), at_clock(end_day, span[1], now))
