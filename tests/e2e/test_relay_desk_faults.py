"""The relay when the handoff service dies half-way through telling a helpdesk (the webhook
connector, against a local helpdesk that can hold a request without answering), with
the real Rasa, action and handoff servers:

- a transfer stored but never answered (the service killed while the helpdesk holds the
  transfer): the customer is offered a callback, asks again and is queued on that
  session; their second request reaches the agent once, as one more customer message,
  which is what bench/relay_faults.py once counted as a duplicate;
- a customer's message stored but not yet told to the helpdesk when the service is
  killed: Rasa's outbox delivers it again, the session keeps it once, and the helpdesk
  is told, once."""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import signal
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from tests.e2e.test_relay_faults import api, close, customer_lines, eventually, messages, outbox_pending
from tests.local_http import QuietHandler, serving
from tests.servers import Servers, free_port

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from relay_faults import compare  # noqa: E402

SECRET = "desk-faults-secret"
ASK = "I want to speak to a real person"


class Helpdesk(http.server.ThreadingHTTPServer):
    daemon_threads = True
    answered: List[Dict[str, Any]]  # what it took (200)
    held: List[Dict[str, Any]]      # what it got and never answered
    holding: set                    # the kinds of payload it holds
    release: threading.Event


class Handler(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server: Helpdesk = self.server  # type: ignore[assignment]
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        payload = json.loads(body)
        if self.headers.get("X-Handoff-Signature") != expected:
            self.send_response(401)
        elif payload["type"] in server.holding:
            server.held.append(payload)
            server.release.wait(120)
            return  # no answer at all
        else:
            server.answered.append(payload)
            self.send_response(200)
        self.end_headers()


@pytest.fixture(scope="module")
def helpdesk() -> Iterator[Helpdesk]:
    server = Helpdesk(("127.0.0.1", free_port()), Handler)
    server.answered, server.held, server.holding, server.release = [], [], set(), threading.Event()
    with serving(server):
        yield server
        server.release.set()


@pytest.fixture(scope="module")
def desk(test_model: Path, helpdesk: Helpdesk, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    url = f"http://127.0.0.1:{helpdesk.server_address[1]}/hook"
    running = Servers(tmp_path_factory.mktemp("desk-faults"), test_model, env={
        "HANDOFF_CONNECTOR": "webhook", "HANDOFF_WEBHOOK_URL": url, "HANDOFF_WEBHOOK_SECRET": SECRET,
        "HANDOFF_RECONCILE": "2"})
    try:
        yield running.start()
    finally:
        running.stop()


def kill_while_held(servers: Servers, helpdesk: Helpdesk, kind: str, count: int) -> None:
    """Once the helpdesk holds the `count`th request of `kind`, the service is killed; then the
    helpdesk lets go (it never answered) and the service is started again."""
    assert eventually(lambda: len([p for p in helpdesk.held if p["type"] == kind]) >= count, within=60)
    servers.process("handoff").signal(signal.SIGKILL)
    helpdesk.holding.clear()
    helpdesk.release.set()


def say_in_background(servers: Servers, sender: str, text: str) -> List[Any]:
    replies: List[Any] = []
    threading.Thread(target=lambda: replies.append(servers.say(sender, text)), daemon=True).start()
    return replies


def test_a_transfer_whose_answer_was_lost_reaches_the_agent_once(desk: Servers, helpdesk: Helpdesk) -> None:
    sender = f"lost-answer-{uuid.uuid4().hex[:6]}"
    helpdesk.holding.add("handoff")
    helpdesk.release.clear()
    replies = say_in_background(desk, sender, ASK)
    kill_while_held(desk, helpdesk, "handoff", 1)  # the session is stored; its answer never leaves
    assert eventually(lambda: replies, within=60)
    text = " ".join(m.get("text", "") for m in replies[0])
    assert "can't reach our team" in text and "callback" in text, replies
    desk.process("handoff").respawn()
    reply = " ".join(m.get("text", "") for m in desk.say(sender, ASK))  # as a customer (and the bench) does
    assert "queue" in reply, reply
    (session,) = [s for s in api(desk, "GET", "/api/sessions?status=queued").json()["sessions"]
                  if s["conversation_id"] == sender]
    assert api(desk, "POST", f"/api/sessions/{session['id']}/accept").status_code == 200
    sent = [f"{sender} customer {k}" for k in range(3)]
    for line in sent:
        desk.say(sender, line)
    got = customer_lines(desk, session["id"], 4)
    assert got == [ASK] + sent  # the second request was written after the session opened: it is relayed
    wrote = [e["text"] for e in desk.tracker(sender)["events"] if e["event"] == "user"]
    assert wrote == [ASK, ASK] + sent
    assert compare([t for t in wrote if t.startswith(sender)], got, "customer", sender) == {
        "customer lost": 0, "customer duplicated": 0, "customer sessions out of order": 0}
    close(desk, session["id"])


def test_a_message_the_helpdesk_was_not_told_of_before_a_crash_is_told_once(desk: Servers,
                                                                             helpdesk: Helpdesk) -> None:
    sender = f"untold-{uuid.uuid4().hex[:6]}"
    reply = " ".join(m.get("text", "") for m in desk.say(sender, ASK))
    assert "queue" in reply, reply
    (session,) = [s for s in api(desk, "GET", "/api/sessions?status=queued").json()["sessions"]
                  if s["conversation_id"] == sender]
    assert api(desk, "POST", f"/api/sessions/{session['id']}/accept").status_code == 200
    helpdesk.holding.add("message")
    helpdesk.release.clear()
    held_before = len([p for p in helpdesk.held if p["type"] == "message"])
    desk.say(sender, "Where is my parcel?")  # stored by the service, which then waits for the helpdesk
    kill_while_held(desk, helpdesk, "message", held_before + 1)
    desk.process("handoff").respawn()  # Rasa's outbox sends the event again, with the same id
    assert eventually(lambda: outbox_pending(desk) == 0, within=60)
    (stored,) = messages(desk, session["id"], "customer")
    assert stored["text"] == "Where is my parcel?"

    def told() -> List[Dict[str, Any]]:
        return [p for p in helpdesk.answered if p["type"] == "message" and p["session_id"] == session["id"]]
    assert eventually(told, within=30)
    time.sleep(1.0)  # anything doubled would arrive now
    assert [p["message"]["id"] for p in told()] == [stored["id"]]
    close(desk, session["id"])
