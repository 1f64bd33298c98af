"""Where each store is, as the processes that own it find it: Rasa's tracker store from
endpoints.yml (`type: SQL`; its ${VARIABLES} expanded), the bookings from BOOKING_DB_URL
or SHOP_DATA_DIR, the handoff sessions from HANDOFF_DB_URL or SHOP_DATA_DIR."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Mapping, Optional

import sqlalchemy as sa
import yaml

from handoff.errors import ConfigError


def sessions_url(env: Mapping[str, str]) -> str:
    return env.get("HANDOFF_DB_URL") or f"sqlite:///{Path(env.get('SHOP_DATA_DIR', 'var')) / 'handoff.db'}"


def bookings_url(env: Mapping[str, str]) -> str:
    return env.get("BOOKING_DB_URL", "").strip() or f"sqlite:///{Path(env.get('SHOP_DATA_DIR', 'var')) / 'bookings.db'}"


def _expand(value: Any, env: Mapping[str, str]) -> Any:
    if not isinstance(value, str):
        return value
    return re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), value)


def tracker_url(endpoints: Path, env: Mapping[str, str]) -> Optional[str]:
    """The SQL tracker store's URL, or None when endpoints.yml names another kind (or none)."""
    try:
        raw = yaml.safe_load(endpoints.read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(str(endpoints), "tracker_store", f"cannot be read ({exc})") from exc
    store = {k: _expand(v, env) for k, v in (raw.get("tracker_store") or {}).items()}
    if str(store.get("type", "")).upper() != "SQL":
        return None
    dialect, host, db = store.get("dialect", "sqlite"), store.get("url") or store.get("host"), store.get("db", "rasa.db")
    if host and "://" in str(host):
        return str(host)
    if dialect == "sqlite":
        return f"sqlite:///{db}"
    port = store.get("port")
    return sa.engine.URL.create(dialect, username=store.get("username"), password=store.get("password"),
                                host=host, port=int(port) if port else None, database=db,
                                query=store.get("query") or {}).render_as_string(hide_password=False)


def engine_if_there(url: Optional[str]) -> Optional[sa.engine.Engine]:
    """An engine on the URL; None for no URL or a SQLite file that does not exist (nothing kept there)."""
    if not url:
        return None
    parsed = sa.engine.make_url(url)
    if parsed.drivername.startswith("sqlite") and parsed.database and not os.path.exists(parsed.database):
        return None
    return sa.create_engine(url, future=True, pool_pre_ping=True)
