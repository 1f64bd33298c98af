"""Orders behind one small interface, ``OrderStore.find(number)``.

- ``SQLiteOrderStore``: the embedded default, a file created and seeded with the
  deterministic demo orders of ``actions.demo_orders``.
- ``HttpOrderStore``: a real order service, ``GET {base}/orders/{number}`` answering
  the order as JSON (the fields of ``Order``) or 404; aiohttp, one session, timeouts.
"""
from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any, Dict, Optional, Protocol

import aiohttp

from actions.errors import StoreUnavailable

STATUSES = ("processing", "shipped", "delivered", "delayed", "cancelled", "returned")


@dataclass(frozen=True)
class Order:
    number: str
    email: str
    status: str
    placed_on: date
    items: str
    carrier: Optional[str] = None
    tracking_number: Optional[str] = None
    estimated_delivery: Optional[date] = None
    delivered_on: Optional[date] = None
    returned_on: Optional[date] = None

    @classmethod
    def from_dict(cls, raw: Dict[str, Any]) -> Order:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        for key in ("placed_on", "estimated_delivery", "delivered_on", "returned_on"):
            if isinstance(values.get(key), str):
                values[key] = date.fromisoformat(values[key])
        values["number"] = str(values["number"])
        return cls(**values)

    def to_dict(self) -> Dict[str, Any]:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}


class OrderStore(Protocol):
    async def find(self, number: str) -> Optional[Order]:
        """The order with this number, or None if there is none."""


class SQLiteOrderStore:
    """Orders in a local SQLite file (blocking calls run in a worker thread)."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def create(self, orders: "list[Order]") -> None:
        """Create the table and insert orders that are not there yet."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        columns = [f.name for f in fields(Order)]
        with closing(sqlite3.connect(self._path)) as conn, conn:
            conn.execute(f"CREATE TABLE IF NOT EXISTS orders ({', '.join(c + ' TEXT' for c in columns)}, PRIMARY KEY (number))")
            conn.executemany(
                f"INSERT OR IGNORE INTO orders ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                [tuple(o.to_dict()[c] for c in columns) for o in orders],
            )

    def find_blocking(self, number: str) -> Optional[Order]:
        try:
            with closing(sqlite3.connect(self._path)) as conn:
                conn.row_factory = sqlite3.Row
                row = conn.execute("SELECT * FROM orders WHERE number = ?", (number,)).fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable("order store", str(exc)) from exc
        return Order.from_dict(dict(row)) if row else None

    async def find(self, number: str) -> Optional[Order]:
        return await asyncio.to_thread(self.find_blocking, number)


class HttpOrderStore:
    """Orders from an HTTP order service."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: Optional[aiohttp.ClientSession] = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def find(self, number: str) -> Optional[Order]:
        url = f"{self._base_url}/orders/{number}"
        try:
            async with self._client().get(url) as response:
                if response.status == 404:
                    return None
                if response.status != 200:
                    raise StoreUnavailable("order service", f"GET {url} answered {response.status}")
                return Order.from_dict(await response.json())
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError, TypeError) as exc:
            raise StoreUnavailable("order service", f"GET {url} failed: {exc!r}") from exc

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
