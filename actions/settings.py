"""Shop settings: bot/shop.yml plus environment variables, defaults in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from actions.errors import SettingsError
from actions.timeparse.model import DayPart

DEFAULT_SHOP_FILE = Path(__file__).resolve().parent.parent / "bot" / "shop.yml"
# English locales and whether they write the day first (3/12 = 3 December).
LOCALES = {"en-GB": True, "en-IE": True, "en-AU": True, "en-NZ": True, "en-ZA": True, "en-IN": True,
           "en-US": False, "en-CA": False, "en-PH": False}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class AppointmentKind:
    name: str
    label: str
    keywords: Tuple[str, ...]


@dataclass(frozen=True)
class ShopSettings:
    timezone: ZoneInfo
    opening_hours: Dict[int, Tuple[time, time]]  # weekday (0 = Monday) -> open, close
    slot_minutes: int = 30
    max_days_ahead: int = 60
    alternatives: int = 3
    kinds: Tuple[AppointmentKind, ...] = ()
    day_parts: Dict[str, DayPart] = field(default_factory=dict)
    locale: str = "en-GB"
    data_dir: Path = Path("var")
    order_service_url: Optional[str] = None
    booking_db_url: Optional[str] = None  # SQLAlchemy URL; None: data_dir / bookings.db
    lookup_max_failures: int = 5        # failed lookups per order number and per email...
    lookup_window_seconds: int = 3600   # ...within this time, across every conversation

    @classmethod
    def load(cls, env: Mapping[str, str] = os.environ) -> ShopSettings:
        path = Path(env.get("SHOP_CONFIG", str(DEFAULT_SHOP_FILE)))
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise SettingsError(str(path), "file", f"cannot be read ({exc})") from exc
        return cls.from_dict(raw, str(path), env)

    @classmethod
    def from_dict(
        cls, raw: Dict[str, Any], source: str, env: Mapping[str, str] = {}
    ) -> ShopSettings:
        try:
            tz = ZoneInfo(str(raw.get("timezone", "Europe/London")))
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise SettingsError(source, "timezone", "must be an IANA name such as Europe/London") from exc
        return cls(
            timezone=tz,
            opening_hours=_opening_hours(raw.get("opening_hours") or {}, source),
            slot_minutes=_positive_int(raw, "slot_minutes", 30, source),
            max_days_ahead=_positive_int(raw, "max_days_ahead", 60, source),
            alternatives=_positive_int(raw, "alternatives", 3, source),
            kinds=_kinds(raw.get("appointment_kinds") or {}, source),
            day_parts={str(k): _day_part(v, source, f"day_parts.{k}") for k, v in (raw.get("day_parts") or {}).items()},
            locale=_locale(raw.get("locale", "en-GB"), source),
            data_dir=Path(env.get("SHOP_DATA_DIR", "var")),
            order_service_url=env.get("ORDER_SERVICE_URL") or None,
            booking_db_url=env.get("BOOKING_DB_URL", "").strip() or None,
            lookup_max_failures=_positive_env(env, "ORDER_LOOKUP_MAX_FAILURES", 5),
            lookup_window_seconds=_positive_env(env, "ORDER_LOOKUP_WINDOW", 3600),
        )

    @property
    def day_first(self) -> bool:
        """Whether 3/12 is 3 December (True) or March 12."""
        return LOCALES[self.locale]

    def kind(self, name: str) -> AppointmentKind:
        return next(k for k in self.kinds if k.name == name)


def _positive_env(env: Mapping[str, str], key: str, default: int) -> int:
    value = env.get(key, str(default))
    if not value.isdigit() or int(value) <= 0:
        raise SettingsError("environment", key, f"is {value!r}; it must be a whole number above 0")
    return int(value)


def _clock(value: Any, source: str, key: str) -> time:
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise SettingsError(source, key, f"is {value!r}; use HH:MM, e.g. '09:00'") from exc


def _day_part(value: Any, source: str, key: str) -> DayPart:
    if isinstance(value, list):
        if len(value) != 2:
            raise SettingsError(source, key, f"is {value!r}; use one time ('12:00') or [from, to] (['09:00', '12:00'])")
        start, end = (_clock(v, source, key) for v in value)
        if end <= start and end != time(0):
            raise SettingsError(source, key, f"ends before it starts ({value!r})")
        return (start, end)
    return _clock(value, source, key)


def _locale(value: Any, source: str) -> str:
    if value not in LOCALES:
        raise SettingsError(source, "locale", f"is {value!r}; use one of {', '.join(LOCALES)} "
                            "(it decides whether 3/12 is 3 December or March 12)")
    return str(value)


def _opening_hours(raw: Dict[str, Any], source: str) -> Dict[int, Tuple[time, time]]:
    hours: Dict[int, Tuple[time, time]] = {}
    for day, span in raw.items():
        if day not in WEEKDAYS:
            raise SettingsError(source, f"opening_hours.{day}", f"is not a weekday; use one of {', '.join(WEEKDAYS)}")
        if not isinstance(span, list) or len(span) != 2:
            raise SettingsError(source, f"opening_hours.{day}", "must be [open, close], e.g. ['09:00', '18:00']")
        opens, closes = (_clock(v, source, f"opening_hours.{day}") for v in span)
        if closes <= opens:
            raise SettingsError(source, f"opening_hours.{day}", "closes before it opens")
        hours[WEEKDAYS.index(day)] = (opens, closes)
    return hours


def _positive_int(raw: Dict[str, Any], key: str, default: int, source: str) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise SettingsError(source, key, f"is {value!r}; it must be a whole number above 0")
    return value


def _kinds(raw: Dict[str, Any], source: str) -> Tuple[AppointmentKind, ...]:
    kinds = []
    for name, spec in raw.items():
        if name not in ("store_visit", "phone_callback"):
            raise SettingsError(source, f"appointment_kinds.{name}", "must be store_visit or phone_callback")
        words = tuple(str(w).lower() for w in (spec or {}).get("keywords", []))
        kinds.append(AppointmentKind(name, str((spec or {}).get("label", name)), words))
    return tuple(kinds)
