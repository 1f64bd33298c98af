"""One reading of a whole message: the days (actions.timeparse.dates, .days) and the
time of day (actions.timeparse.clock) put together into an exact time, windows to
search, a question back, or an impossible date."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Callable, List, Optional, Tuple, Union

from actions.timeparse import dates, days
from actions.timeparse.clock import MIDNIGHT, ClockSpec, find_clock
from actions.timeparse.model import (AskBack, ExactTime, Impossible, Reading, TimeContext, TimeOptions, TimeWindow,
                                     at_clock, window)
from actions.timeparse.words import normalise

SOON = re.compile(r"\b(?:as\s+soon\s+as\s+(?:possible|you\s+can)|soonest|earliest(?:\s+(?:available|possible|slot|"
                  r"time))?|(?:first|next)\s+(?:available|free)(?:\s+(?:slot|time|appointment))?)\b")
SAME_TIME = re.compile(r"\b(?:the\s+)?same\s+time\b")
SAME_TIME_NEXT_WEEK = re.compile(r"\b(?:the\s+)?same\s+time\s+next\s+week\b")
THIS_TIME = re.compile(r"\bthis\s+time\s+(tomorrow|next\s+week)\b")
LEFTOVER_NUMBER = re.compile(r"(?<![\d/:.-])\b([1-9]|1[0-2])\b(?![\d/:.-])")
IN_HOURS = re.compile(r"\bin\s+(?:(an?|\d{1,2}|half\s+an)\s+(hours?|hrs?)|(\d{1,3})\s+(?:minutes|mins))\b")
DAY_AFTER = re.compile(r"\b(?:or|and)\s+(?:the\s+)?day\s+after\b")
SOON_DAYS = 14
DATE_RULES: Tuple[days.Rule, ...] = (
    (dates.ISO, dates.iso), (dates.HOLIDAY, dates.holiday), (dates.DAY_MONTH, dates.named_month),
    (dates.MONTH_DAY, dates.named_month),
)


@dataclass
class _Found:
    days: List[date] = field(default_factory=list)
    windows: List[TimeWindow] = field(default_factory=list)
    choices: List[date] = field(default_factory=list)
    excluded: List[int] = field(default_factory=list)  # weekdays ruled out
    clock: Optional[time] = None


def read_when(text: str, ctx: TimeContext) -> Optional[Reading]:
    """What ``text`` says about when, or None if it says nothing about it."""
    lowered = normalise(text)
    lowered = re.sub(r"\btonight\b", "today evening", lowered)
    lowered = re.sub(r"\bthis\s+(morning|afternoon|evening)\b", r"today \1", lowered)
    found = _Found()
    lowered = _relative_to_now(lowered, ctx, found)
    if isinstance(lowered, AskBack):
        return lowered
    clock, lowered = find_clock(lowered, ctx.day_parts)
    try:
        lowered = _find_days(lowered, ctx, found)
    except dates.NotADate as exc:
        return Impossible(exc.problem)
    except dates.Clash as exc:
        return AskBack(str(exc), _each([exc.dated, exc.weekday_date], clock, ctx, found))
    except days.Choose as exc:
        return AskBack("", _each(exc.choices, clock, ctx, found))
    if found.choices:
        return AskBack("", _each(found.choices, clock, ctx, found))
    if found.clock is not None and clock.exact is None:
        clock = ClockSpec(found.clock, clock.spans, clock.words)
    leftover = LEFTOVER_NUMBER.search(lowered)
    if leftover and found.days and clock.exact is None:  # "Friday 3": 3 o'clock, most likely; ask
        guess = ClockSpec(find_clock(f" at {leftover.group(1)} ", {})[0].exact)
        return AskBack("", _each(found.days[:1], guess, ctx, found))
    return _build(found, clock, ctx)


def _relative_to_now(text: str, ctx: TimeContext, found: _Found) -> Union[str, AskBack]:
    """"As soon as possible", "this time tomorrow", "same time next week": read against now or the booking."""
    hours = IN_HOURS.search(text)
    if hours:  # "in an hour": the free slots from then on, that day
        start = ctx.now + timedelta(minutes=_minutes(hours))
        found.windows.append(TimeWindow(start, start + timedelta(hours=3)))
        text = IN_HOURS.sub(" ", text)
    if SOON.search(text):
        found.windows.append(TimeWindow(ctx.now, ctx.now + timedelta(days=SOON_DAYS)))
        text = SOON.sub(" ", text)
    this_time = THIS_TIME.search(text)
    if this_time:
        found.clock = ctx.now.time().replace(second=0, microsecond=0)
        found.days.append(ctx.today + timedelta(days=1 if this_time.group(1) == "tomorrow" else 7))
        return THIS_TIME.sub(" ", text)
    if SAME_TIME.search(text):
        if ctx.booked is None:
            return AskBack("", (), missing="booking")
        local = ctx.booked.astimezone(ctx.now.tzinfo)
        found.clock = local.time()
        if SAME_TIME_NEXT_WEEK.search(text):
            found.days.append(local.date() + timedelta(weeks=1))
            return SAME_TIME_NEXT_WEEK.sub(" ", text)
        return SAME_TIME.sub(" ", text)
    return text


def _find_days(text: str, ctx: TimeContext, found: _Found) -> str:
    found.excluded, text = days.excluded(text)
    for pattern, rule in DATE_RULES + days.BEFORE_DATES:
        text = _apply(pattern, rule, text, ctx, found)
    for match in dates.NUMERIC.finditer(text):
        mine, other = dates.numeric(match, ctx)
        if other:
            found.choices.extend(mine + other)
        found.days.extend(mine)
    text = dates.NUMERIC.sub(" ", text)
    for pattern, rule in ((dates.ORDINAL, dates.ordinal),) + days.AFTER_DATES:
        text = _apply(pattern, rule, text, ctx, found)
    if found.days and DAY_AFTER.search(text):
        found.days.append(max(found.days) + timedelta(days=1))
        text = DAY_AFTER.sub(" ", text)
    return text


def _apply(pattern: "re.Pattern[str]", rule: Callable[["re.Match[str]", TimeContext], List[date]], text: str,
           ctx: TimeContext, found: _Found) -> str:
    for match in pattern.finditer(text):
        found.days.extend(d for d in rule(match, ctx) if d not in found.days)
    return pattern.sub(" ", text)


def _build(found: _Found, clock: ClockSpec, ctx: TimeContext) -> Optional[Reading]:
    if found.windows and not found.days:
        if clock.found:
            return _on_days(_days_from(_first_day(clock, ctx), SOON_DAYS), clock, ctx)
        return found.windows[0] if len(found.windows) == 1 else TimeOptions(tuple(found.windows))
    chosen = sorted(d for d in set(found.days) if d.weekday() not in found.excluded)
    if found.excluded and not chosen:  # "any day but Monday": the coming week without it
        chosen = [d for d in _days_from(_first_day(clock, ctx) if clock.found else ctx.today, 7)
                  if d.weekday() not in found.excluded]
    if not chosen and not clock.found:
        return None
    if not chosen:
        if clock.exact is not None:
            return ExactTime(at_clock(_first_day(clock, ctx), clock.exact, ctx.now))
        chosen = _days_from(_first_day(clock, ctx), 7)
    return _on_days(chosen, clock, ctx)


def _on_days(chosen: List[date], clock: ClockSpec, ctx: TimeContext) -> Reading:
    if clock.exact is not None:
        moments = [at_clock(d, clock.exact, ctx.now) for d in chosen]
        if len(moments) == 1:
            return ExactTime(moments[0])
        return TimeOptions(tuple(TimeWindow(m, m + timedelta(minutes=1)) for m in moments))
    spans = clock.spans or ((MIDNIGHT, MIDNIGHT),)
    windows = tuple(window(d, s, ctx.now) for d in chosen for s in spans)
    return windows[0] if len(windows) == 1 else TimeOptions(windows)


def _each(choices: List[date], clock: ClockSpec, ctx: TimeContext, found: _Found) -> Tuple[Reading, ...]:
    if found.clock is not None and clock.exact is None:
        clock = ClockSpec(found.clock, clock.spans, clock.words)
    unique = list(dict.fromkeys(choices))
    return tuple(_on_days([d], clock, ctx) for d in unique)


def _minutes(match: "re.Match[str]") -> int:
    if match.group(3):
        return int(match.group(3))
    amount = match.group(1)
    return 30 if amount.startswith("half") else 60 * (1 if amount in ("a", "an") else int(amount))


def _first_day(clock: ClockSpec, ctx: TimeContext) -> date:
    """Today if the time of day is still ahead today, else tomorrow."""
    if clock.exact is not None:
        ahead = at_clock(ctx.today, clock.exact, ctx.now) > ctx.now
    else:
        ahead = any(window(ctx.today, s, ctx.now).end > ctx.now for s in clock.spans)
    return ctx.today if ahead else ctx.today + timedelta(days=1)


def _days_from(first: date, count: int) -> List[date]:
    return [first + timedelta(days=i) for i in range(count)]
