"""Natural dates and times ("next Tuesday at 11am", "tomorrow morning", "the 3rd at
2pm") read in the shop's timezone.

Clock times, weekdays and bare ordinals are read here, because dateparser reads
"the 3rd" as a month and "next Tuesday at 11am" not at all; dateparser reads the
rest (month names, numeric dates in day-month order, "in 3 days").
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Dict, Optional, Tuple

import dateparser

WEEKDAY_NAMES = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAY_NAMES.update({name.lower(): i for i, name in enumerate(calendar.day_abbr)})
WEEKDAY_NAMES.update({"tues": 1, "thur": 3, "thurs": 3})
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})

_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)(?!\w)|\b(\d{1,2})[:h](\d{2})\b")
_AT_HOUR = re.compile(r"\bat\s+(\d{1,2})\b(?!\s*(?:st|nd|rd|th|/|-|\.\d))")
_WEEKDAY = re.compile(r"\b(?:(next|this|on)\s+)?(" + "|".join(sorted(WEEKDAY_NAMES, key=len, reverse=True)) + r")\b")
_ORDINAL = re.compile(r"\b(?:the\s+)?(\d{1,2})(st|nd|rd|th)\b(?!\s*(?:of\s+)?(?:" + "|".join(MONTHS) + r")\b)")
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b")
_MONTH_DAY = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_WORDS = re.compile(r"\b(today|tonight|yesterday|day after tomorrow|tomorrow|in \d+ days?|next week|\d+ days? ago|last week|\d{1,2}/\d{1,2}(?:/\d{2,4})?)\b")


@dataclass(frozen=True)
class ParsedWhen:
    """What a customer's message says about a date and a time."""

    day: Optional[date] = None
    clock: Optional[time] = None
    problem: Optional[str] = None  # a date that cannot exist, in words

    @property
    def found(self) -> bool:
        return self.day is not None or self.clock is not None or self.problem is not None


def parse_when(text: str, now: datetime, day_parts: Dict[str, time]) -> ParsedWhen:
    """Read the date and time in ``text``; ``now`` is aware, in the shop's timezone."""
    lowered = " " + text.lower().replace(",", " ") + " "
    clock, lowered = _find_clock(lowered, day_parts)
    day, problem = _find_day(lowered, now)
    if problem:
        return ParsedWhen(problem=problem)
    return ParsedWhen(day=day, clock=clock)


def combine(parsed: ParsedWhen, now: datetime) -> Optional[datetime]:
    """A full local datetime from a parsed message, when it names at least a time."""
    if parsed.clock is None:
        return None
    day = parsed.day
    if day is None:
        candidate = datetime.combine(now.date(), parsed.clock, tzinfo=now.tzinfo)
        day = now.date() if candidate > now else now.date() + timedelta(days=1)
    return datetime.combine(day, parsed.clock, tzinfo=now.tzinfo)


def _find_clock(text: str, day_parts: Dict[str, time]) -> Tuple[Optional[time], str]:
    match = _CLOCK.search(text)
    if match:
        if match.group(4):
            hour, minute, suffix = int(match.group(4)), int(match.group(5)), ""
        else:
            hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if suffix.startswith("p") and hour < 12:
            hour += 12
        elif suffix.startswith("a") and hour == 12:
            hour = 0
        if hour < 24 and minute < 60:
            return time(hour, minute), text[: match.start()] + " " + text[match.end():]
    match = _AT_HOUR.search(text)
    if match and 1 <= int(match.group(1)) <= 12:
        hour = int(match.group(1))
        hour = hour + 12 if hour <= 7 else hour  # "at 2" in shop hours means 14:00
        return time(hour, 0), text[: match.start()] + " " + text[match.end():]
    for part in sorted(day_parts, key=len, reverse=True):
        if re.search(rf"\b{part}\b", text):
            return day_parts[part], re.sub(rf"\b{part}\b", " ", text)
    return None, text


def _find_day(text: str, now: datetime) -> Tuple[Optional[date], Optional[str]]:
    today = now.date()
    match = _ISO_DATE.search(text)
    if match:
        try:
            return date(*(int(g) for g in match.groups())), None
        except ValueError:
            return None, f"{match.group(0)} is not a date in the calendar"
    for pattern, reader in ((_DAY_MONTH, _day_month), (_MONTH_DAY, _month_day)):
        match = pattern.search(text)
        if match:
            return reader(match, today)
    match = _WEEKDAY.search(text)
    if match:
        ahead = (WEEKDAY_NAMES[match.group(2)] - today.weekday()) % 7
        return today + timedelta(days=ahead or 7), None
    match = _ORDINAL.search(text)
    if match:
        return _next_day_of_month(int(match.group(1)), today)
    match = _DATE_WORDS.search(text)
    if match:
        return _with_dateparser(match.group(1), now), None
    return None, None


def _day_month(match: "re.Match[str]", today: date) -> Tuple[Optional[date], Optional[str]]:
    return _dated(int(match.group(1)), MONTHS[match.group(2)], today)


def _month_day(match: "re.Match[str]", today: date) -> Tuple[Optional[date], Optional[str]]:
    return _dated(int(match.group(2)), MONTHS[match.group(1)], today)


def _dated(day: int, month: int, today: date) -> Tuple[Optional[date], Optional[str]]:
    if not 1 <= day <= 31:
        return None, f"there is no day {day} in a month"
    year = today.year if (month, day) >= (today.month, today.day) else today.year + 1
    if day > calendar.monthrange(year, month)[1]:
        return None, f"{calendar.month_name[month]} doesn't have {day} days"
    return date(year, month, day), None


def _next_day_of_month(day: int, today: date) -> Tuple[Optional[date], Optional[str]]:
    if not 1 <= day <= 31:
        return None, f"there is no day {day} in a month"
    year, month = today.year, today.month
    if day < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for _ in range(3):
        if day <= calendar.monthrange(year, month)[1]:
            return date(year, month, day), None
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None, f"there is no day {day} soon"


def _with_dateparser(phrase: str, now: datetime) -> Optional[date]:
    if phrase == "tonight":
        return now.date()
    parsed = dateparser.parse(
        phrase,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY",
            "RELATIVE_BASE": now.replace(tzinfo=None),
        },
    )
    return parsed.date() if parsed else None
