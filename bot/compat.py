"""Compatibility patches applied before any Rasa server starts.

Sanic 21.12 (pinned by Rasa 3.6) passes bare coroutines to ``asyncio.wait`` in its
websocket implementation. Python 3.11 forbids that, so every websocket (socket.io's
websocket transport, any sanic websocket route) dies on its first receive while
long-polling keeps working. The patch wraps those awaitables in tasks. It is a no-op
on Python < 3.11 and idempotent.
"""
from __future__ import annotations

import asyncio
import sys
import types
from typing import Any, Iterable


async def _wait(aws: Iterable[Any], *args: Any, **kwargs: Any) -> Any:
    return await asyncio.wait(
        [asyncio.ensure_future(aw) for aw in aws], *args, **kwargs
    )


def _asyncio_with_task_wait() -> types.ModuleType:
    shim = types.ModuleType("asyncio_task_wait")
    shim.__dict__.update(asyncio.__dict__)
    shim.wait = _wait  # type: ignore[attr-defined]
    shim.patched_by_bot_compat = True  # type: ignore[attr-defined]
    return shim


def patch_sanic_websockets() -> bool:
    """Make sanic 21.12 websockets work on Python 3.11. Returns True if patched."""
    if sys.version_info < (3, 11):
        return False
    from sanic.server.websockets import impl

    if getattr(impl.asyncio, "patched_by_bot_compat", False):
        return False
    impl.asyncio = _asyncio_with_task_wait()
    return True


def check_socketio_version() -> None:
    """Refuse python-socketio versions that silently break session persistence."""
    from importlib.metadata import version

    installed = version("python-socketio")
    major, minor = (int(p) for p in installed.split(".")[:2])
    if (major, minor) >= (5, 10):
        raise RuntimeError(
            f"python-socketio {installed} makes enter_room a coroutine that "
            "Rasa 3.6 never awaits: web widget sessions would get no replies. "
            "Install python-socketio==5.9.0 and python-engineio==4.7.1 "
            "(see requirements.lock)."
        )


def apply() -> None:
    from bot import events_validation, parse_worker

    patch_sanic_websockets()
    check_socketio_version()
    events_validation.install()  # Rasa's event check without re-checking its schema per request
    parse_worker.install()  # the NLU graph in a worker thread: the event loop keeps serving meanwhile
