"""The webhook connector with the real servers: the context and the customer's messages
go out signed with HMAC-SHA256; the helpdesk answers on the signed inbound endpoint;
a helpdesk that fails means the customer is told, not left waiting."""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from tests.local_http import QuietHandler, serving
from tests.servers import Servers, free_port

SECRET = "webhook-test-secret"


class Helpdesk(http.server.ThreadingHTTPServer):
    """Receives the connector's POSTs and checks their signature."""
    received: List[Dict[str, Any]]
    failing: bool = False


class Handler(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        server: Helpdesk = self.server  # type: ignore[assignment]
        if self.headers.get("X-Handoff-Signature") != expected:
            self.send_response(401)
        elif server.failing:
            self.send_response(500)
        else:
            server.received.append(json.loads(body))
            self.send_response(200)
        self.end_headers()



@pytest.fixture(scope="module")
def helpdesk() -> Iterator[Helpdesk]:
    server = Helpdesk(("127.0.0.1", free_port()), Handler)
    server.received = []
    with serving(server):
        yield server


@pytest.fixture(scope="module")
def webhook_servers(test_model: Path, helpdesk: Helpdesk, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    url = f"http://127.0.0.1:{helpdesk.server_address[1]}/hook"
    running = Servers(tmp_path_factory.mktemp("webhook"), test_model, env={
        "HANDOFF_CONNECTOR": "webhook", "HANDOFF_WEBHOOK_URL": url, "HANDOFF_WEBHOOK_SECRET": SECRET})
    try:
        yield running.start()
    finally:
        running.stop()


def inbound(servers: Servers, payload: Dict[str, Any], secret: str = SECRET) -> requests.Response:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return requests.post(f"{servers.handoff_url}/connectors/webhook/inbound", data=body, timeout=30,
                         headers={"X-Handoff-Signature": signature, "Content-Type": "application/json"})


def wait_for(helpdesk: Helpdesk, kind: str, within: float = 10.0) -> Dict[str, Any]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = [r for r in helpdesk.received if r["type"] == kind]
        if found:
            helpdesk.received.remove(found[0])
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no '{kind}' webhook in {within} s: {helpdesk.received}")


def test_the_helpdesk_gets_the_context_and_answers(webhook_servers: Servers, helpdesk: Helpdesk) -> None:
    servers = webhook_servers
    sender = f"hook-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "I want to talk to a real person")
    handoff = wait_for(helpdesk, "handoff")
    assert handoff["context"]["conversation_id"] == sender and handoff["context"]["reasons"][0]["trigger"] == "explicit"
    session_id = handoff["session"]["id"]
    servers.say(sender, "my parcel is lost")
    assert wait_for(helpdesk, "message")["message"]["text"] == "my parcel is lost"

    assert inbound(servers, {"session_id": session_id, "type": "message", "text": "Hi"}, secret="wrong").status_code == 401
    sent = inbound(servers, {"session_id": session_id, "type": "message", "text": "Kim here, checking", "agent": "Kim"})
    assert sent.status_code == 201, sent.text
    bots = [e for e in servers.tracker(sender)["events"] if e["event"] == "bot"]
    assert bots[-1]["text"] == "Kim here, checking" and bots[-1]["metadata"]["agent"] == "Kim"
    assert inbound(servers, {"session_id": session_id, "type": "shrug"}).status_code == 400

    closed = inbound(servers, {"session_id": session_id, "type": "close", "return_to_bot": True, "agent": "Kim"})
    assert closed.status_code == 200 and closed.json()["session"]["status"] == "returned"
    assert wait_for(helpdesk, "closed")["status"] == "returned"
    assert not servers.tracker(sender)["paused"]


def test_a_failing_helpdesk_means_the_customer_is_told(webhook_servers: Servers, helpdesk: Helpdesk) -> None:
    helpdesk.failing = True
    try:
        sender = f"hook-{uuid.uuid4().hex[:8]}"
        reply = " ".join(m.get("text", "") for m in webhook_servers.say(sender, "I want to talk to a real person"))
        assert "can't reach our team" in reply
        assert not webhook_servers.tracker(sender)["paused"]
    finally:
        helpdesk.failing = False
