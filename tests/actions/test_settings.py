from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from actions.errors import SettingsError
from actions.settings import ShopSettings


def test_shop_file_loads(shop: ShopSettings) -> None:
    assert str(shop.timezone) == "Europe/London" and 6 not in shop.opening_hours
    assert {k.name for k in shop.kinds} == {"store_visit", "phone_callback"}


@pytest.mark.parametrize(
    "raw, key",
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"opening_hours": {"funday": ["09:00", "17:00"]}}, "opening_hours.funday"),
        ({"opening_hours": {"monday": ["18:00", "09:00"]}}, "opening_hours.monday"),
        ({"opening_hours": {"monday": ["9am", "5pm"]}}, "opening_hours.monday"),
        ({"slot_minutes": 0}, "slot_minutes"),
        ({"appointment_kinds": {"house_call": {}}}, "appointment_kinds.house_call"),
        ({"locale": "fr-FR"}, "locale"),
        ({"day_parts": {"afternoon": ["17:00", "12:00"]}}, "day_parts.afternoon"),
        ({"day_parts": {"morning": ["09:00"]}}, "day_parts.morning"),
        ({"day_parts": {"noon": "midday"}}, "day_parts.noon"),
    ],
)
def test_wrong_values_name_the_file_and_key(raw: dict, key: str) -> None:
    with pytest.raises(SettingsError) as error:
        ShopSettings.from_dict(raw, "bot/shop.yml")
    assert error.value.key == key and str(error.value).startswith("bot/shop.yml: ")


def test_locale_decides_the_date_order(shop: ShopSettings) -> None:
    assert shop.locale == "en-GB" and shop.day_first
    assert not ShopSettings.from_dict({"locale": "en-US"}, "bot/shop.yml").day_first
    assert shop.day_parts["afternoon"] == (time(12), time(17)) and shop.day_parts["noon"] == time(12)
    with pytest.raises(SettingsError) as error:
        ShopSettings.from_dict({"locale": "en_GB"}, "bot/shop.yml")
    assert "en-GB" in str(error.value) and "3/12" in str(error.value)


def test_environment_picks_data_dir_and_order_service(tmp_path: Path) -> None:
    settings = ShopSettings.load({"SHOP_CONFIG": str(Path("bot/shop.yml").resolve()),
                                  "SHOP_DATA_DIR": str(tmp_path), "ORDER_SERVICE_URL": "http://orders.local"})
    assert settings.data_dir == tmp_path and settings.order_service_url == "http://orders.local"
    with pytest.raises(SettingsError):
        ShopSettings.load({"SHOP_CONFIG": str(tmp_path / "missing.yml")})
