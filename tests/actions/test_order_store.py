from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import AsyncIterator

import pytest
from aiohttp import web

from actions.demo_orders import demo_orders
from actions.errors import StoreUnavailable
from actions.order_store import HttpOrderStore, SQLiteOrderStore

TODAY = date(2026, 11, 24)


def test_demo_orders_are_deterministic_and_cover_the_readme() -> None:
    orders = demo_orders(TODAY)
    assert orders == demo_orders(TODAY) and len(orders) >= 50
    by_number = {o.number: o for o in orders}
    assert (by_number["10001"].status, by_number["10001"].email) == ("shipped", "alice@example.com")
    assert (by_number["10002"].status, by_number["10002"].email) == ("delivered", "alice@example.com")
    assert (by_number["10003"].status, by_number["10003"].email) == ("delayed", "bob@example.com")
    assert (by_number["10004"].status, by_number["10004"].email) == ("cancelled", "bob@example.com")
    assert {o.status for o in orders} == {"processing", "shipped", "delivered", "delayed", "cancelled", "returned"}


async def test_sqlite_store_round_trip(tmp_path: Path) -> None:
    store = SQLiteOrderStore(tmp_path / "orders.db")
    store.create(demo_orders(TODAY))
    store.create(demo_orders(TODAY))  # seeding twice changes nothing
    order = await store.find("10001")
    assert order == demo_orders(TODAY)[0]
    assert await store.find("99999") is None


async def test_sqlite_store_missing_file_is_reported(tmp_path: Path) -> None:
    store = SQLiteOrderStore(tmp_path / "nowhere" / "orders.db")
    with pytest.raises(StoreUnavailable):
        await store.find("10001")


@pytest.fixture
async def order_service() -> AsyncIterator[str]:
    """A local HTTP order service speaking the documented protocol."""
    orders = {o.number: o.to_dict() for o in demo_orders(TODAY)}

    async def get_order(request: web.Request) -> web.Response:
        number = request.match_info["number"]
        if number == "50000":
            return web.json_response({"error": "boom"}, status=500)
        if number == "60000":
            await asyncio.sleep(2)
        if number not in orders:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(orders[number])

    app = web.Application()
    app.router.add_get("/orders/{number}", get_order)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_http_store_against_a_local_service(order_service: str) -> None:
    store = HttpOrderStore(order_service, timeout=1.0)
    try:
        assert await store.find("10003") == demo_orders(TODAY)[2]
        assert await store.find("12345") is None
        with pytest.raises(StoreUnavailable, match="500"):
            await store.find("50000")
        with pytest.raises(StoreUnavailable):
            await store.find("60000")  # times out
    finally:
        await store.close()


async def test_http_store_unreachable() -> None:
    store = HttpOrderStore("http://127.0.0.1:9", timeout=1.0)
    try:
        with pytest.raises(StoreUnavailable):
            await store.find("10001")
    finally:
        await store.close()
