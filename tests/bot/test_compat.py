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


def test_serving_runs_numpy_on_one_thread_and_training_on_all() -> None:
    import os
    import subprocess
    import sys

    probe = ("import os, sys, rasa.__main__ as r; r.main = lambda: print(os.environ.get('OPENBLAS_NUM_THREADS'));"
             "sys.argv = ['bot', sys.argv[1]]; import bot.__main__ as m; m.main()")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}
    seen = {command: subprocess.run([sys.executable, "-c", probe, command], env=env, capture_output=True, text=True,
                                    timeout=300).stdout.strip().splitlines()[-1]
            for command in ("run", "train")}
    assert seen == {"run": "1", "train": "None"}
