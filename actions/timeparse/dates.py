"""Calendar dates in normalised text: "2026-12-01", "5/12" (day or month first by the
shop's locale), "5 December", "December 5th 2027", "Christmas Eve", "the 3rd".

Dates with a month name go to dateparser, which knows their many spellings and
rejects the impossible ones; the year they fall in, numeric dates and bare ordinals
("the 3rd" is the next 3rd, not one already past) are read here. A date without a year is the
next one from today.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from typing import List, Optional, Tuple

import dateparser

from actions.timeparse.model import TimeContext, Unsettled
from actions.timeparse.words import MONTHS, WEEKDAYS

_W = "(" + "|".join(WEEKDAYS) + ")"
_M = "(" + "|".join(MONTHS) + ")"
ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
NUMERIC = re.compile(r"\b(?:" + _W + r"\s+)?(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b")
DAY_MONTH = re.compile(r"\b(?:" + _W + r"\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _M
                       + r"(?:\s+(\d{4}))?\b")
MONTH_DAY = re.compile(r"\b(?:" + _W + r"\s+)?" + _M + r"\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:am|pm|:))"
                       + r"(?:\s+(\d{4}))?")
ORDINAL = re.compile(r"\b(?:" + _W + r"\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b")
HOLIDAYS = {"christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25), "boxing day": (12, 26),
            "new year's eve": (12, 31), "new years eve": (12, 31), "new year's day": (1, 1),
            "new years day": (1, 1)}
HOLIDAY = re.compile(r"(?<!before )(?<!after )(?<!until )(?<!till )(?<!by )\b(?:on\s+)?(" + "|".join(sorted(HOLIDAYS, key=len, reverse=True)).replace("'", "'?") + r")\b")


class Clash(Unsettled):
    """A date and a weekday that disagree ("Tuesday 23rd" when the 23rd is a Wednesday)."""

    def __init__(self, dated: date, weekday: int, ctx: TimeContext) -> None:
        self.dated = dated
        self.weekday_date = next_weekday(ctx.today, weekday, include_today=False)
        super().__init__(f"{dated:%-d %B} is a {dated:%A}")


class NotADate(Unsettled):
    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(problem)


def next_weekday(today: date, weekday: int, include_today: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead if ahead or include_today else 7)


def upcoming(month: int, day: int, today: date, year: Optional[int] = None) -> date:
    """The date ``day``/``month`` in ``year``, or the next one from today; NotADate if none."""
    if not 1 <= month <= 12:
        raise NotADate(f"there is no month {month}")
    if not 1 <= day <= 31:
        raise NotADate(f"there is no day {day} in a month")
    candidates = [year] if year else [today.year, today.year + 1]
    for candidate in candidates:
        if day <= calendar.monthrange(candidate, month)[1] and (year or date(candidate, month, day) >= today):
            return date(candidate, month, day)
    name = calendar.month_name[month]
    if month == 2 and day == 29:
        raise NotADate(f"February {candidates[-1]} doesn't have 29 days")
    raise NotADate(f"{name} doesn't have {day} days")


def with_weekday(found: date, weekday_name: Optional[str], ctx: TimeContext) -> date:
    if weekday_name and WEEKDAYS.index(weekday_name) != found.weekday():
        raise Clash(found, WEEKDAYS.index(weekday_name), ctx)
    return found


def iso(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    try:
        return [date(*(int(g) for g in match.groups()))]
    except ValueError as exc:
        raise NotADate(f"{match.group(0)} is not a date in the calendar") from exc


def holiday(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    month, day = HOLIDAYS[match.group(1)]
    return [upcoming(month, day, ctx.today)]


def numeric(match: "re.Match[str]", ctx: TimeContext) -> Tuple[List[date], List[date]]:
    """The date, and another reading to offer when the locale's one is out of reach."""
    first, second = int(match.group(2)), int(match.group(3))
    year = _year(match.group(4))
    day, month = (first, second) if ctx.day_first else (second, first)
    readings = []
    for d, m in ((day, month), (month, day)):
        try:
            readings.append(upcoming(m, d, ctx.today, year))
        except NotADate:
            readings.append(None)
    mine, other = readings
    if mine is None and other is None:
        raise NotADate(f"{match.group(0).strip()} is not a date in the calendar")
    if mine is None:
        return [with_weekday(other, match.group(1), ctx)], []
    if other is not None and other != mine and not _in_reach(mine, ctx) and _in_reach(other, ctx):
        return [mine], [other]
    return [with_weekday(mine, match.group(1), ctx)], []


def named_month(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    groups = match.groups()
    weekday, year = groups[0], groups[3]
    day, month = (groups[1], groups[2]) if groups[1].isdigit() else (groups[2], groups[1])
    base = datetime(ctx.today.year, ctx.today.month, ctx.today.day)
    parsed = dateparser.parse(f"{day} {month} {year or ctx.today.year}", languages=["en"],
                              settings={"RELATIVE_BASE": base, "DATE_ORDER": "DMY", "STRICT_PARSING": True})
    if parsed is None:
        upcoming(MONTHS.index(month) + 1, int(day), ctx.today, int(year) if year else None)  # names the problem
        raise NotADate(f"{day} {month.capitalize()} is not a date in the calendar")
    found = parsed.date()
    if not year and found < ctx.today:
        found = upcoming(found.month, found.day, ctx.today)
    return [with_weekday(found, weekday, ctx)]


def ordinal(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    day, today = int(match.group(2)), ctx.today
    if not 1 <= day <= 31:
        raise NotADate(f"there is no day {day} in a month")
    year, month = today.year, today.month
    if day < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    while day > calendar.monthrange(year, month)[1]:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [with_weekday(date(year, month, day), match.group(1), ctx)]


def _year(text: Optional[str]) -> Optional[int]:
    if not text:
        return None
    return int(text) + 2000 if len(text) == 2 else int(text)


def _in_reach(day: date, ctx: TimeContext) -> bool:
    return ctx.today <= day <= ctx.today + timedelta(days=ctx.horizon_days)
