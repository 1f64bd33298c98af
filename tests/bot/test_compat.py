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


def test_events_are_checked_as_rasa_does_with_one_validator() -> None:
    import rasa.server
    from rasa.server import ErrorResponse

    from bot import events_validation

    import jsonschema
    from rasa.shared.utils.schemas.events import EVENTS_SCHEMA

    events_validation.install()
    assert rasa.server.validate_events_in_request_body is events_validation.validate_events_in_request_body

    class Body:
        def __init__(self, json: object) -> None:
            self.json = json

    good = [{"event": "bot", "text": "hi", "metadata": {"agent": "sam"}}, {"event": "action", "name": "x"}]
    events_validation.validate_events_in_request_body(Body(good))
    events_validation.validate_events_in_request_body(Body(good[0]))  # one event, not in a list
    for bad in ([{"event": "no_such_event"}], {"text": "no event key"}, [{"event": "slot", "name": 3}],
                [{"event": "user", "text": None, "parse_data": 5}]):
        with pytest.raises(ErrorResponse) as ours:
            events_validation.validate_events_in_request_body(Body(bad))
        with pytest.raises(jsonschema.ValidationError) as rasas:  # what rasa.server's own check runs
            jsonschema.validate(bad if isinstance(bad, list) else [bad], EVENTS_SCHEMA)
        assert ours.value.status == 400
        assert ours.value.error_info["message"].endswith(f"Error: {rasas.value}")
    assert events_validation._validator() is events_validation._validator()  # built once


def test_messages_are_understood_off_the_event_loop_with_the_same_parse() -> None:
    import threading
    import time

    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import UserMessage

    from bot import parse_worker
    from tests.servers import train_test_model

    async def scenario() -> None:
        agent = await load_agent(model_path=str(train_test_model()))
        processor = agent.processor
        texts = ["where is my order 10001", "do you price match", "I want to talk to a real person", "qwzx plmk"]
        before = [await processor.parse_message(UserMessage(text, sender_id="c")) for text in texts]
        parse_worker.install()
        assert parse_worker.install() is False  # idempotent
        threads = []
        graph = processor._parse_message_with_graph

        def slow_graph(*args):  # the graph call, recorded, and long enough for the loop to show it is free
            threads.append(threading.current_thread().name)
            time.sleep(0.3)
            return graph(*args)

        processor._parse_message_with_graph = slow_graph
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        beating = asyncio.ensure_future(ticker())
        after = [await processor.parse_message(UserMessage(text, sender_id="c")) for text in texts]
        beating.cancel()
        assert after == before
        assert threads and all(name.startswith("nlu-parse") for name in threads)
        assert ticks >= 20  # 1.2 s of parsing; on the loop's thread the ticker would not have run at all

    try:
        asyncio.run(scenario())
    finally:
        from rasa.core.processor import MessageProcessor as Processor
        if hasattr(Processor, parse_worker.ORIGINAL):  # leave Rasa as other tests expect it
            Processor.parse_message = getattr(Processor, parse_worker.ORIGINAL)
            delattr(Processor, parse_worker.ORIGINAL)
