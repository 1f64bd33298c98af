"""Rasa's SQL tracker store, read directly: its ``events`` table (id, sender_id,
type_name, timestamp, intent_name, action_name, data), the same one Rasa's
SQLTrackerStore writes on SQLite or PostgreSQL. Where it is: HANDOFF_TRACKER_DB_URL,
or the tracker_store section of the endpoints file Rasa runs with."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Engine

from handoff.errors import ConfigError

metadata = sa.MetaData()
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


def url_from_endpoints(path: Path) -> str:
    """The SQLAlchemy URL of an endpoints file's SQL tracker store, as Rasa builds it; "" if it has none."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        return ""
    except yaml.YAMLError as exc:
        raise ConfigError(str(path), "file", f"is not valid YAML ({exc})") from exc
    store = raw.get("tracker_store") if isinstance(raw, dict) else None
    if not isinstance(store, dict) or str(store.get("type", "")).upper() != "SQL":
        return ""
    dialect, db = str(store.get("dialect", "sqlite")), str(store.get("db", "rasa.db"))
    if dialect == "sqlite":
        return f"sqlite:///{db}"
    login = _expand(store.get("username") or "")
    password = _expand(store.get("password") or "")
    credentials = f"{login}:{password}@" if password else (f"{login}@" if login else "")
    host = _expand(store.get("url") or "localhost")
    port = f":{store['port']}" if store.get("port") else ""
    return f"{dialect}://{credentials}{host}{port}/{db}"


def _expand(value: Any) -> str:
    return os.path.expandvars(str(value))


def tracker_engine(url: str) -> Engine:
    return sa.create_engine(url, future=True, pool_pre_ping=True)


def ensure_table(engine: Engine) -> None:
    """For tests and benches: the table as Rasa creates it (Rasa itself creates it in production)."""
    metadata.create_all(engine)


def last_id(engine: Engine) -> int:
    """The newest event's id; 0 while Rasa has written nothing (no table, no SQLite file yet)."""
    if engine.dialect.name == "sqlite" and engine.url.database and not Path(engine.url.database).exists():
        return 0
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.max(events.c.id))).scalar() or 0)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):  # no events table yet
        return 0


def senders_after(engine: Engine, after: int, upto: int) -> List[str]:
    query = sa.select(events.c.sender_id).where(events.c.id > after).where(events.c.id <= upto).distinct()
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(query)]


def events_of(engine: Engine, senders: Sequence[str], upto: int) -> Iterator[Tuple[str, List[Dict[str, Any]]]]:
    """(sender, its events in order) for each sender, up to event id `upto`."""
    query = (sa.select(events.c.sender_id, events.c.data).where(events.c.sender_id.in_(list(senders)))
             .where(events.c.id <= upto).order_by(events.c.sender_id, events.c.id))
    current: Optional[str] = None
    found: List[Dict[str, Any]] = []
    with engine.connect() as connection:
        for sender, data in connection.execute(query):
            if sender != current:
                if current is not None:
                    yield current, found
                current, found = sender, []
            found.append(_event(data))
    if current is not None:
        yield current, found


def _event(data: Optional[str]) -> Dict[str, Any]:
    try:
        value = json.loads(data or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def insert_events(engine: Engine, rows: Sequence[Mapping[str, Any]]) -> None:
    """Rows as Rasa writes them (tests and benches): each a dict with sender_id and the event."""
    values = [{"sender_id": r["sender_id"], "type_name": r["event"]["event"],
               "timestamp": r["event"].get("timestamp"), "intent_name": None, "action_name": r["event"].get("name"),
               "data": json.dumps(r["event"])} for r in rows]
    with engine.begin() as connection:
        connection.execute(events.insert(), values)
