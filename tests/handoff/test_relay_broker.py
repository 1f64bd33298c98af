"""The event broker's outbox and delivery, against a local stand-in for the handoff
service that can be down, slow or answer errors: nothing lost, nothing doubled, each
conversation's order kept, conversations concurrent, the backlog resent after a restart."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Dict, List

from aiohttp import web

from handoff.broker import HandoffEventBroker
from handoff.relay.ids import EVENT_ID, PENDING, event_id
from handoff.relay.outbox import Outbox
from tests.servers import free_port


class Desk:
    """Records the events it takes, by conversation; refuses while `down` or answers 503."""

    def __init__(self, delay: float = 0.0) -> None:
        self.taken: Dict[str, List[str]] = {}
        self.ids: List[str] = []
        self.pending: List[int] = []
        self.fail_next = 0
        self.delay = delay
        self.in_flight = self.most_in_flight = 0

    async def handle(self, request: web.Request) -> web.Response:
        event = await request.json()
        if self.fail_next:
            self.fail_next -= 1
            return web.json_response({"error": "busy"}, status=503)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        await asyncio.sleep(self.delay)
        self.in_flight -= 1
        if event[EVENT_ID] not in self.ids:
            self.ids.append(event[EVENT_ID])
            self.taken.setdefault(event["sender_id"], []).append(event["text"])
        self.pending.append(event[PENDING])
        return web.json_response({"relayed": True}, status=201)


async def serve(desk: Desk, port: int) -> web.AppRunner:
    app = web.Application()
    app.router.add_post("/api/events", desk.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def user(sender: str, text: str) -> dict:
    return {"event": "user", "sender_id": sender, "text": text, "timestamp": time.time()}


async def until(condition, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, "not in time"
        await asyncio.sleep(0.02)


def test_outbox_keeps_order_and_survives_reopening(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    for i in range(3):
        outbox.add(f"e{i}", "c1", user("c1", f"m{i}"))
    outbox.add("e0", "c1", user("c1", "again"))  # the same id twice is one entry
    outbox.add("x", "c2", user("c2", "other"))
    assert outbox.pending() == 4 and outbox.pending("c1") == 3 and outbox.conversations() == ["c1", "c2"]
    outbox.done(outbox.next_for("c1").seq)
    outbox.close()
    reopened = Outbox(tmp_path / "outbox.db")
    assert reopened.next_for("c1").event["text"] == "m1" and reopened.pending() == 3


async def test_service_down_then_up_loses_and_doubles_nothing(tmp_path: Path) -> None:
    port = free_port()
    broker = HandoffEventBroker(f"http://127.0.0.1:{port}", "t", Outbox(tmp_path / "outbox.db"), timeout=2)
    for i in range(5):  # nobody listens yet: the service is down
        broker.publish(user("alice", f"a{i}"))
        broker.publish(user("bob", f"b{i}"))
    broker.publish({"event": "bot", "sender_id": "alice", "text": "not forwarded"})
    await asyncio.sleep(1.0)
    assert broker.outbox.pending() == 10
    desk = Desk()
    desk.fail_next = 3  # and it stumbles when it is back
    runner = await serve(desk, port)
    try:
        await until(lambda: broker.outbox.pending() == 0)
        assert desk.taken == {"alice": [f"a{i}" for i in range(5)], "bob": [f"b{i}" for i in range(5)]}
        assert 0 in desk.pending and max(desk.pending) >= 1  # the backlog was announced as it drained
    finally:
        await broker.close()
        await runner.cleanup()


async def test_a_restarted_broker_resends_what_its_outbox_kept(tmp_path: Path) -> None:
    port = free_port()
    first = HandoffEventBroker(f"http://127.0.0.1:{port}", "t", Outbox(tmp_path / "outbox.db"), timeout=1)
    for i in range(4):
        first.publish(user("carol", f"c{i}"))
    for lane in list(first._lanes.values()):  # Rasa is killed: the lanes die with it
        lane.cancel()
    await asyncio.sleep(0)
    first.outbox.close()
    desk = Desk()
    runner = await serve(desk, port)
    second = HandoffEventBroker(f"http://127.0.0.1:{port}", "t", Outbox(tmp_path / "outbox.db"))
    try:
        second.resend_pending()
        await until(lambda: second.outbox.pending() == 0)
        assert desk.taken == {"carol": ["c0", "c1", "c2", "c3"]}
    finally:
        await second.close()
        await runner.cleanup()


async def test_conversations_are_delivered_concurrently(tmp_path: Path) -> None:
    port = free_port()
    desk = Desk(delay=0.2)  # each POST takes 0.2 s
    runner = await serve(desk, port)
    broker = HandoffEventBroker(f"http://127.0.0.1:{port}", "t", Outbox(tmp_path / "outbox.db"))
    try:
        for n in range(20):
            broker.publish(user(f"c{n}", "hello"))
            broker.publish(user(f"c{n}", "again"))
        await until(lambda: broker.outbox.pending() == 0)
        assert desk.most_in_flight > 1  # several conversations at once...
        assert all(texts == ["hello", "again"] for texts in desk.taken.values()) and len(desk.ids) == 40
    finally:
        await broker.close()
        await runner.cleanup()


def test_an_event_without_our_id_is_known_by_what_makes_it_that_event() -> None:
    event = {"event": "user", "sender_id": "c1", "timestamp": 1.5, "message_id": "m", "text": "hi"}
    assert event_id(event) == event_id(dict(event)) != event_id({**event, "timestamp": 1.6})
    assert event_id({**event, EVENT_ID: "abc"}) == "abc"
