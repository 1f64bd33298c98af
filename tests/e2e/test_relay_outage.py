"""A customer waiting for a person while the handoff service cannot be reached is told,
once per outage, that their messages are kept, by Rasa (the part that still runs), with
the real servers: the service killed (SIGKILL) or frozen (SIGSTOP) while a REST customer
writes and a socket.io customer waits in silence. Everything written still reaches the
agent once, in order; a customer talking to the bot hears nothing about it."""
from __future__ import annotations

import asyncio
import signal
import time
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
import socketio

from handoff.relay.outage import NOTICE
from tests.e2e.test_relay_faults import api, close, customer_lines, eventually, outbox_pending
from tests.servers import Servers

AFTER = 2.0  # seconds a message may wait before the customer is told (HANDOFF_OUTAGE_NOTICE_AFTER)
ASK = "I want to speak to a real person"


@pytest.fixture(scope="module")
def outage(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    running = Servers(tmp_path_factory.mktemp("outage"), test_model,
                      env={"HANDOFF_OUTAGE_NOTICE_AFTER": str(AFTER), "HANDOFF_RECONCILE": "2"})
    try:
        yield running.start()
    finally:
        running.stop()


def accepted(servers: Servers, sender: str) -> str:
    reply = " ".join(m.get("text", "") for m in servers.say(sender, ASK))
    assert "queue" in reply, reply
    (session,) = [s for s in api(servers, "GET", "/api/sessions?status=queued").json()["sessions"]
                  if s["conversation_id"] == sender]
    assert api(servers, "POST", f"/api/sessions/{session['id']}/accept").status_code == 200
    return session["id"]


def texts(replies: List[dict]) -> List[str]:
    return [m.get("text", "") for m in replies]


def flagged(servers: Servers, sender: str) -> List[str]:
    return [e["text"] for e in servers.tracker(sender)["events"]
            if e["event"] == "user" and (e.get("metadata") or {}).get("handoff_outage_notice")]


@pytest.mark.parametrize("fault", [signal.SIGKILL, signal.SIGSTOP])
def test_a_customer_writing_through_an_outage_is_told_once(outage: Servers, fault: int) -> None:
    sender, chatting = f"outage-{uuid.uuid4().hex[:6]}", f"bot-only-{uuid.uuid4().hex[:6]}"
    session_id = accepted(outage, sender)
    service = outage.process("handoff")
    service.signal(fault)
    sent = [f"{sender} message {k}" for k in range(4)]
    try:
        assert texts(outage.say(sender, sent[0])) == []  # paused: nothing to say yet
        assert outage.say(chatting, "how long does shipping take?")  # the bot answers as ever
        time.sleep(AFTER + 0.5)
        assert texts(outage.say(sender, sent[1])) == [NOTICE]
        assert texts(outage.say(sender, sent[2])) == []  # once, not per message
        assert NOTICE not in texts(outage.say(chatting, "and returns?"))
        assert outbox_pending(outage) >= 3
    finally:
        if fault == signal.SIGSTOP:
            service.signal(signal.SIGCONT)
        else:
            service.respawn()
    assert customer_lines(outage, session_id, 3) == sent[:3]  # all, once, in order
    assert eventually(lambda: outbox_pending(outage) == 0)
    assert flagged(outage, sender) == [sent[1]]  # the tracker says with which message they were told
    assert texts(outage.say(sender, sent[3])) == []
    assert customer_lines(outage, session_id, 4) == sent
    close(outage, session_id)


def test_a_customer_waiting_in_silence_on_the_web_widget_is_told_once(outage: Servers) -> None:
    sender = f"widget-{uuid.uuid4().hex[:6]}"
    heard: List[str] = []

    async def scenario() -> None:
        customer = socketio.AsyncClient(reconnection=False)
        customer.on("bot_uttered", lambda data: heard.append(data.get("text", "")))
        await customer.connect(outage.rasa_url, socketio_path="/socket.io", transports=["websocket"])
        try:
            await customer.emit("session_request", {"session_id": sender})
            await asyncio.sleep(0.3)
            await customer.emit("user_uttered", {"message": ASK, "session_id": sender})
            session_id = await asyncio.to_thread(_accept_when_queued, outage, sender)
            service = outage.process("handoff")
            service.signal(signal.SIGSTOP)
            try:
                await customer.emit("user_uttered", {"message": "is anyone there?", "session_id": sender})
                for _ in range(int(4 * AFTER / 0.1)):  # then the customer just waits
                    await asyncio.sleep(0.1)
                    if NOTICE in heard:
                        break
                await asyncio.sleep(AFTER)  # anything doubled would arrive now
            finally:
                service.signal(signal.SIGCONT)
            assert heard.count(NOTICE) == 1, heard
            assert await asyncio.to_thread(customer_lines, outage, session_id, 1) == ["is anyone there?"]
            await asyncio.to_thread(close, outage, session_id)
        finally:
            await customer.disconnect()

    asyncio.run(scenario())


def _accept_when_queued(servers: Servers, sender: str) -> str:
    found = eventually(lambda: [s for s in api(servers, "GET", "/api/sessions?status=queued").json()["sessions"]
                                if s["conversation_id"] == sender], within=60)
    assert found, f"no session for {sender}"
    assert api(servers, "POST", f"/api/sessions/{found[0]['id']}/accept").status_code == 200
    return found[0]["id"]
