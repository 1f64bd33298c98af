from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest

from actions import services
from actions.booking_store import BookingStore
from actions.demo_orders import demo_orders
from actions.lookup_guard import LookupGuard
from actions.order_store import SQLiteOrderStore
from actions.settings import ShopSettings

ROOT = Path(__file__).resolve().parents[2]
LONDON = ZoneInfo("Europe/London")
# A Tuesday afternoon; Saturday 28 Nov is short hours, Sunday 29 Nov closed.
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=LONDON)


@pytest.fixture
def shop() -> ShopSettings:
    import yaml

    raw = yaml.safe_load((ROOT / "bot" / "shop.yml").read_text())
    return ShopSettings.from_dict(raw, "bot/shop.yml")


@pytest.fixture
def stores(tmp_path: Path, shop: ShopSettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[BookingStore]:
    """Wire the actions to stores in a temporary folder and a fixed clock."""
    orders = SQLiteOrderStore(tmp_path / "orders.db")
    orders.create(demo_orders(NOW.date()))
    bookings = BookingStore(tmp_path / "bookings.db")
    services.override(settings=shop, orders=orders, bookings=bookings,
                      lookups=LookupGuard(tmp_path / "lookups.db"))
    monkeypatch.setattr(services, "now", lambda: NOW)
    yield bookings
    services.override()
