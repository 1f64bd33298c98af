"""Factories for what the actions share: settings and stores, built on first use.

Tests replace them with ``override(...)``; nothing here runs at import time.
"""
from __future__ import annotations

import os
from datetime import datetime
from typing import Any, Dict, Optional

from actions.booking_store import BookingStore
from actions.demo_orders import demo_orders
from actions.handoff_client import HandoffServiceClient
from actions.lookup_guard import LookupGuard
from actions.order_store import HttpOrderStore, OrderStore, SQLiteOrderStore
from actions.settings import ShopSettings

_cache: Dict[str, Any] = {}


def settings() -> ShopSettings:
    if "settings" not in _cache:
        _cache["settings"] = ShopSettings.load(os.environ)
    return _cache["settings"]


def order_store() -> OrderStore:
    if "orders" not in _cache:
        shop = settings()
        if shop.order_service_url:
            _cache["orders"] = HttpOrderStore(shop.order_service_url)
        else:
            store = SQLiteOrderStore(shop.data_dir / "orders.db")
            store.create(demo_orders(now().date()))
            _cache["orders"] = store
    return _cache["orders"]


def lookup_guard() -> LookupGuard:
    """Failed order lookups, next to the order store (see actions.lookup_guard)."""
    if "lookups" not in _cache:
        shop = settings()
        _cache["lookups"] = LookupGuard(shop.data_dir / "lookups.db", shop.lookup_max_failures,
                                        window_seconds=shop.lookup_window_seconds)
    return _cache["lookups"]


def booking_store() -> BookingStore:
    if "bookings" not in _cache:
        shop = settings()
        _cache["bookings"] = (BookingStore.from_url(shop.booking_db_url) if shop.booking_db_url
                              else BookingStore(shop.data_dir / "bookings.db"))
    return _cache["bookings"]


def handoff_service() -> Optional[HandoffServiceClient]:
    """The handoff service at HANDOFF_URL, or None when none is configured."""
    if "handoff" not in _cache:
        url = os.environ.get("HANDOFF_URL", "").strip()
        token = os.environ.get("HANDOFF_SERVICE_TOKEN", "")  # its own secret, never Rasa's
        _cache["handoff"] = HandoffServiceClient(url, token) if url else None
    return _cache["handoff"]


def now() -> datetime:
    """The current time in the shop's timezone."""
    return datetime.now(settings().timezone)


def override(**parts: Optional[Any]) -> None:
    """Replace parts (settings=, orders=, bookings=, handoff=, lookups=) or reset them all with no args."""
    if not parts:
        _cache.clear()
    for name, value in parts.items():
        if value is None:
            _cache.pop(name, None)
        else:
            _cache[name] = value
