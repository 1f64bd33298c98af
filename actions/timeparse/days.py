"""Days said relative to today: "tomorrow", "the day after tomorrow", "next Friday",
"this coming Saturday", "Friday week", "a week from Monday", "in three weeks on
Wednesday", "first Monday of next month", "end of next week", "next month", "Tuesday
or Wednesday", "Monday to Wednesday". dateparser reads most of these not at all (it
returns nothing for "next Friday", "Friday week" or "in three weeks on Wednesday"),
so they are rules of our own.

Weeks start on Monday. "Friday" is the next Friday after today, "this Friday" may be
today; "next Friday" is the Friday of next week, except when this week's Friday is
three or more days away: then both are possible and the customer is asked.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import Callable, List, Tuple

from actions.timeparse.dates import next_weekday, upcoming
from actions.timeparse.model import TimeContext, Unsettled
from actions.timeparse.words import MONTHS, WEEKDAYS

_W = "(" + "|".join(WEEKDAYS) + ")"
_N = r"(\d{1,2}|a|an|a couple of)"

WEEKS_ON = re.compile(r"\bin\s+" + _N + r"\s+weeks?\s+on\s+" + _W + r"\b|\b" + _W + r"\s+in\s+" + _N
                      + r"\s+weeks?(?:'?\s*time)?\b")
WEEK_FROM = re.compile(r"\b(?:" + _N + r"\s+weeks?\s+(?:from|on|after)\s+(?:this\s+)?(" + "|".join(WEEKDAYS)
                       + r"|today|tomorrow)|" + _N + r"\s+weeks?\s+(today|tomorrow)|(" + "|".join(WEEKDAYS)
                       + r"|today|tomorrow)\s+week)\b(?!\s*end)")
IN_WEEK = re.compile(r"\b(?:on\s+)?" + _W + r"\s+(?:of\s+|in\s+)?(next|this|the\s+following)\s+week\b|\b(next|this)\s+week\s+"
                     r"(?:on\s+)?" + _W + r"\b")
NTH_OF = re.compile(r"\b(?:the\s+)?(1st|2nd|3rd|4th|5th|last)\s+" + _W + r"\s+(?:of|in)\s+(?:the\s+)?(next\s+month|this\s+"
                    r"month|month|" + "|".join(MONTHS) + r")\b")
OFFSET = re.compile(r"\b(?:in\s+" + _N + r"\s+(days?|weeks?|fortnights?)(?:'?\s*time)?|" + _N + r"\s+(days?|weeks?|fortnights?)"
                    r"(?:'?\s*time|\s+from\s+(?:now|today)|\s+later))\b"
                    r"|\bin\s+a\s+(fortnight)\b|\ba\s+(fortnight)\s+(?:today|from\s+today)\b")
SIMPLE = re.compile(r"\b(?:the\s+)?(day\s+after\s+tomorrow|overmorrow|tomorrow|today|yesterday)\b")
PERIOD = re.compile(r"\b(?:(?:some\s*time|any\s*time|any\s+day|at\s+some\s+point)\s+)?(?:in\s+|during\s+)?(?:the\s+)?"
                    r"(week\s+after\s+next|(?:early|beginning\s+of|start\s+of|mid|middle\s+of|end\s+of|late|later)?\s*"
                    r"(?:next|this|the)\s+(?:week|month)|next\s+weekend|this\s+weekend|weekend|later\s+this\s+week|"
                    r"later\s+in\s+the\s+week)\b")
NTH_WEEK = re.compile(r"\b(?:the\s+)?(1st|2nd|3rd|4th|last)\s+week\s+(?:of|in)\s+(?:the\s+)?(next\s+month|this\s+month|"
                      r"month|" + "|".join(MONTHS) + r")\b")
EXCLUDED = re.compile(r"\b(?:not|but|except|apart\s+from|other\s+than|can'?t\s+do|cannot\s+do|can'?t\s+make|"
                      r"not\s+on)\s+(?:on\s+)?(?:a\s+)?" + _W + r"s?\b")
IN_MONTH = re.compile(r"\b(?:some\s*time\s+|any\s*time\s+)?in\s+(" + "|".join(MONTHS) + r")\b")
DAY_RANGE = re.compile(r"\b(?:between\s+)?" + _W + r"\s+(?:to|till|until|through|and|-)\s+" + _W + r"\b")
DAY_BOUND = re.compile(r"\b(before|by|until|till|after|from)\s+(?:this\s+|next\s+)?" + _W + r"\b(?!\s+(?:week|in\b))")
WEEKDAY = re.compile(r"\b(this\s+coming|coming|this|next|on|every)?\s*" + _W + r"s?\b")


class Choose(Unsettled):
    """Two days the words can mean; the customer picks."""

    def __init__(self, choices: List[date]) -> None:
        self.choices = choices
        super().__init__(", ".join(str(c) for c in choices))


def _count(word: str) -> int:
    return {"a": 1, "an": 1, "a couple of": 2}.get(word) or int(word)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weeks_on(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    count, name = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    weekday, weeks = WEEKDAYS.index(name), _count(count)
    in_that_week = _monday(ctx.today + timedelta(weeks=weeks)) + timedelta(days=weekday)
    from_next = next_weekday(ctx.today, weekday, include_today=False) + timedelta(weeks=weeks)
    if in_that_week != from_next:
        raise Choose([in_that_week, from_next])
    return [in_that_week]


def week_from(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    count, name = (match.group(1), match.group(2)) if match.group(1) else (
        (match.group(3), match.group(4)) if match.group(3) else ("a", match.group(5)))
    if name in ("today", "tomorrow"):
        base = ctx.today + timedelta(days=1 if name == "tomorrow" else 0)
    else:
        base = next_weekday(ctx.today, WEEKDAYS.index(name), include_today=True)
    return [base + timedelta(weeks=_count(count))]


def in_week(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    name, which = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    monday = _monday(ctx.today) + timedelta(weeks=0 if which == "this" else 1)
    return [monday + timedelta(days=WEEKDAYS.index(name))]


def nth_of(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    which, weekday, month_words = match.group(1), WEEKDAYS.index(match.group(2)), match.group(3)
    year, month = ctx.today.year, ctx.today.month
    if month_words.startswith("next"):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif month_words in MONTHS:
        first = upcoming(MONTHS.index(month_words) + 1, 1, ctx.today.replace(day=1))
        year, month = first.year, first.month
    days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if date(year, month, d).weekday() == weekday]
    return [days[-1]] if which == "last" else days[int(which[0]) - 1: int(which[0])]


def offset(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    if match.group(5) or match.group(6):
        return [ctx.today + timedelta(weeks=2)]
    count, unit = (_count(match.group(1)), match.group(2)) if match.group(1) else (_count(match.group(3)), match.group(4))
    days = count * {"d": 1, "w": 7, "f": 14}[unit[0]]
    return [ctx.today + timedelta(days=days)]


def simple(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    shift = {"day after tomorrow": 2, "overmorrow": 2, "tomorrow": 1, "today": 0, "yesterday": -1}
    return [ctx.today + timedelta(days=shift[re.sub(r"\s+", " ", match.group(1))])]


def period(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    words = re.sub(r"\s+", " ", match.group(1)).strip()
    today, monday = ctx.today, _monday(ctx.today)
    if "weekend" in words:
        saturday = monday + timedelta(days=5)
        if words.startswith("next"):
            saturday = _next_of(saturday, today, ctx)
        return _clip([saturday, saturday + timedelta(days=1)], today)
    if words.startswith("later"):
        return _clip(_span(today + timedelta(days=1), monday + timedelta(days=6)), today)
    if "month" in words:
        return _clip(_month_part(words, today), today)
    if words == "week after next":
        start = monday + timedelta(weeks=2)
    else:
        start = monday + timedelta(weeks=0 if " this " in f" {words} " or words.endswith("the week") else 1)
    first, last = {"early": (0, 1), "beginning of": (0, 1), "start of": (0, 1), "mid": (1, 3), "middle of": (1, 3),
                   "end of": (3, 6), "late": (3, 6)}.get(words.rsplit(" ", 2)[0] if words.count(" ") >= 2 else "", (0, 6))
    return _clip(_span(start + timedelta(days=first), start + timedelta(days=last)), today)


def nth_week(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    which, month_words = match.group(1), re.sub(r"\s+", " ", match.group(2))
    year, month = ctx.today.year, ctx.today.month
    if month_words == "next month":
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif month_words in MONTHS:
        first = upcoming(MONTHS.index(month_words) + 1, 1, ctx.today.replace(day=1))
        year, month = first.year, first.month
    last = calendar.monthrange(year, month)[1]
    start = last - 6 if which == "last" else 7 * (int(which[0]) - 1) + 1
    return _clip(_span(date(year, month, start), date(year, month, min(start + 6, last))), ctx.today)


def excluded(text: str) -> Tuple[List[int], str]:
    """Weekdays the customer rules out ("any day but Monday", "not Friday"), and the text without them."""
    weekdays = [WEEKDAYS.index(m.group(1)) for m in EXCLUDED.finditer(text)]
    return weekdays, EXCLUDED.sub(" ", text)


def in_month(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    first = upcoming(MONTHS.index(match.group(1)) + 1, 1, ctx.today.replace(day=1))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return _clip(_span(first, last), ctx.today)


def day_range(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    start = next_weekday(ctx.today, WEEKDAYS.index(match.group(1)), include_today=False)
    end = next_weekday(start, WEEKDAYS.index(match.group(2)), include_today=True)
    return _span(start, end)


def day_bound(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    """"before Friday" is the days up to it, "by Friday" including it, "after Monday" the week after it."""
    bound, target = match.group(1), next_weekday(ctx.today, WEEKDAYS.index(match.group(2)), include_today=False)
    if bound in ("before", "until", "till"):
        return _span(ctx.today, target - timedelta(days=1))
    if bound == "by":
        return _span(ctx.today, target)
    first = target + timedelta(days=1 if bound == "after" else 0)
    return _span(first, first + timedelta(days=6))


def weekday(match: "re.Match[str]", ctx: TimeContext) -> List[date]:
    which, name = (match.group(1) or "").replace("  ", " "), match.group(2)
    target = WEEKDAYS.index(name)
    if which == "this":
        return [next_weekday(ctx.today, target, include_today=True)]
    if which == "next":
        return [_next_of(next_weekday(ctx.today, target, include_today=False), ctx.today, ctx)]
    return [next_weekday(ctx.today, target, include_today=False)]


def _next_of(nearest: date, today: date, ctx: TimeContext) -> date:
    """"next X": next week's X; ask when this week's X is still three or more days away."""
    if _monday(nearest) != _monday(today):
        return nearest
    if (nearest - today).days >= 3:
        raise Choose([nearest, nearest + timedelta(weeks=1)])
    return nearest + timedelta(weeks=1)


def _month_part(words: str, today: date) -> List[date]:
    year, month = today.year, today.month
    if "next" in words:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    last = calendar.monthrange(year, month)[1]
    first_day, last_day = (last - 6, last) if words.startswith(("end", "late")) else (1, last)
    if words.startswith(("early", "beginning", "start")):
        last_day = 7
    elif words.startswith(("mid", "middle")):
        first_day, last_day = 10, 20
    return _span(date(year, month, first_day), date(year, month, last_day))


def _span(first: date, last: date) -> List[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _clip(days: List[date], today: date) -> List[date]:
    return [d for d in days if d >= today]


Rule = Tuple["re.Pattern[str]", Callable[["re.Match[str]", TimeContext], List[date]]]
# Read before calendar dates and ordinals ("first Monday of next month" is not "the 1st")...
BEFORE_DATES: Tuple[Rule, ...] = (
    (WEEKS_ON, weeks_on), (WEEK_FROM, week_from), (IN_WEEK, in_week), (NTH_OF, nth_of), (NTH_WEEK, nth_week),
)
# ...and these after them ("Tuesday 1st" is a date, checked against its weekday).
AFTER_DATES: Tuple[Rule, ...] = (
    (OFFSET, offset), (SIMPLE, simple), (PERIOD, period), (IN_MONTH, in_month), (DAY_RANGE, day_range),
    (DAY_BOUND, day_bound), (WEEKDAY, weekday),
)
