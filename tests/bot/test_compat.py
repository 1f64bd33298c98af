from __future__ import annotations

import asyncio
import sys

import pytest

from bot import compat


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the patch only applies on Python 3.11+")
async def test_sanic_websocket_wait_accepts_coroutines_after_the_patch() -> None:
    compat.patch_sanic_websockets()
    from sanic.server.websockets import impl

    async def answer() -> str:
        return "ok"

    cancel = asyncio.get_running_loop().create_future()
    done, pending = await impl.asyncio.wait((cancel, answer()), return_when=asyncio.FIRST_COMPLETED)
    assert next(iter(done)).result() == "ok" and cancel in pending
    assert compat.patch_sanic_websockets() is False  # idempotent


def test_socketio_version_is_the_one_that_works() -> None:
    compat.check_socketio_version()  # raises on python-socketio >= 5.10
