"""How appointments are worded to customers, in one place."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Sequence

from actions.booking_store import Booking
from actions.settings import ShopSettings


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
