"""How appointments are worded to customers, in one place."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Dict, List, Sequence

from actions.booking_store import Booking
from actions.settings import ShopSettings
from actions.timeparse import AskBack, ExactTime, Reading, TimeWindow, windows_of


def when(moment: datetime, shop: ShopSettings) -> str:
    local = moment.astimezone(shop.timezone)
    return local.strftime("%A %-d %B at %H:%M")


def short(moment: datetime, shop: ShopSettings) -> str:
    return moment.astimezone(shop.timezone).strftime("%a %-d %b, %H:%M")


def kind_label(kind: str, shop: ShopSettings) -> str:
    return shop.kind(kind).label if any(k.name == kind for k in shop.kinds) else kind


def with_article(label: str) -> str:
    return ("an " if label[:1].lower() in "aeiou" else "a ") + label


def time_buttons(slots: Sequence[datetime], shop: ShopSettings) -> List[Dict[str, Any]]:
    """Buttons whose payload is plain text the form reads back as a date and time."""
    return [
        {"title": short(s, shop), "payload": s.astimezone(shop.timezone).strftime("%-d %B %Y at %H:%M")}
        for s in slots
    ]


def booking_line(booking: Booking, shop: ShopSettings) -> str:
    return f"{booking.reference}: {kind_label(booking.kind, shop)} on {when(booking.start, shop)}"


def opening_hours_text(shop: ShopSettings) -> str:
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    parts = [f"{names[d]} {o:%H:%M}-{c:%H:%M}" for d, (o, c) in sorted(shop.opening_hours.items())]
    return ", ".join(parts)


def day_text(day: date) -> str:
    return day.strftime("%A %-d %B")


def windows_text(windows: Sequence[TimeWindow], shop: ShopSettings) -> str:
    """"on Tuesday 1 or Wednesday 2 December between 12:00 and 17:00", "in the next 14 days"."""
    if len(windows) == 1 and windows[0].end - windows[0].start > timedelta(days=1):
        return f"in the next {(windows[0].end - windows[0].start).days} days"
    days = sorted({w.start.astimezone(shop.timezone).date() for w in windows})
    if len(days) <= 3:
        names = " or ".join(day_text(d) for d in days)
    else:
        names = f"{day_text(days[0])} to {day_text(days[-1])}"
    if all(w.end - w.start == timedelta(minutes=1) for w in windows):  # "at 9 or 10"
        starts = sorted({w.start.astimezone(shop.timezone).strftime("%H:%M") for w in windows})
        return f"on {names} at " + " or ".join(starts)
    spans = {(w.start.astimezone(shop.timezone).time(), w.end.astimezone(shop.timezone).time()) for w in windows}
    return f"on {names}" + (_span_text(*next(iter(spans))) if len(spans) == 1 else "")


def _span_text(start: time, end: time) -> str:
    if start == end == time(0):
        return ""
    if end == time(0):
        return f" from {start:%H:%M}"
    if start == time(0):
        return f" before {end:%H:%M}"
    return f" between {start:%H:%M} and {end:%H:%M}"


def reading_text(reading: Reading, shop: ShopSettings) -> str:
    """A choice in an ask-back question: "Wednesday 16 December at 15:00"."""
    if isinstance(reading, ExactTime):
        return when(reading.at, shop)
    return windows_text(windows_of(reading), shop).removeprefix("on ")


def reading_payload(reading: Reading, shop: ShopSettings) -> str:
    """Text the form reads back as exactly this choice."""
    if isinstance(reading, ExactTime):
        return reading.at.astimezone(shop.timezone).strftime("%-d %B %Y at %H:%M")
    first = windows_of(reading)[0]
    start, end = first.start.astimezone(shop.timezone), first.end.astimezone(shop.timezone)
    return f"{start:%-d %B %Y}" + _span_text(start.time(), end.time())


def ask_back_text(question: AskBack, shop: ShopSettings) -> str:
    """Says what was understood and asks; the choices go on buttons as well."""
    lead = f"{question.understood[:1].upper()}{question.understood[1:]}. " if question.understood else ""
    if question.missing == "booking":
        return (lead + "I don't have an earlier booking of yours to take the time from. "
                "Which day and time would suit you?")
    if not question.choices:
        return lead + "Which day and time would suit you?"
    options = " or ".join(reading_text(c, shop) for c in question.choices)
    return f"{lead}Did you mean {options}?"
