"""The Chatwoot connector with the real servers, against a local server that speaks the
part of Chatwoot's application API the connector uses; Chatwoot's webhooks are played
by the test."""
from __future__ import annotations

import http.server
import json
import re
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
import requests

from tests.local_http import QuietHandler, serving
from tests.servers import Servers, free_port

API_TOKEN, WEBHOOK_TOKEN, ACCOUNT, INBOX = "cw-api-token", "cw-webhook-token", "7", 3


class Chatwoot(http.server.ThreadingHTTPServer):
    calls: List[Dict[str, Any]]
    conversations: Dict[int, Dict[str, Any]]


class ChatwootHandler(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        server: Chatwoot = self.server  # type: ignore[assignment]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        if self.headers.get("api_access_token") != API_TOKEN:
            return self.reply(401, {"error": "Invalid Access Token"})
        base = f"/api/v1/accounts/{ACCOUNT}"
        path = self.path
        server.calls.append({"path": path, "body": body})
        if path == f"{base}/contacts":
            if body.get("inbox_id") != INBOX:
                return self.reply(422, {"message": "Inbox not found"})
            return self.reply(200, {"payload": {"contact": {"id": 41, "name": body["name"]},
                                                "contact_inbox": {"source_id": f"src-{body['identifier']}"}}})
        if path == f"{base}/conversations":
            if not str(body.get("source_id", "")).startswith("src-"):
                return self.reply(422, {"message": "source_id is invalid"})
            number = 100 + len(server.conversations)
            server.conversations[number] = {"id": number, "status": body.get("status", "open"), "messages": []}
            return self.reply(200, {"id": number, "status": "open"})
        found = re.fullmatch(rf"{base}/conversations/(\d+)/(messages|toggle_status)", path)
        if not found or int(found[1]) not in server.conversations:
            return self.reply(404, {"error": "Resource could not be found"})
        conversation = server.conversations[int(found[1])]
        if found[2] == "messages":
            conversation["messages"].append(body)
            return self.reply(200, {"id": len(conversation["messages"]), "content": body["content"]})
        conversation["status"] = body["status"]
        return self.reply(200, {"payload": {"success": True, "current_status": body["status"]}})

    def reply(self, status: int, body: Dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)



@pytest.fixture(scope="module")
def chatwoot() -> Iterator[Chatwoot]:
    server = Chatwoot(("127.0.0.1", free_port()), ChatwootHandler)
    server.calls, server.conversations = [], {}
    with serving(server):
        yield server


@pytest.fixture(scope="module")
def chatwoot_servers(test_model: Path, chatwoot: Chatwoot, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    running = Servers(tmp_path_factory.mktemp("chatwoot"), test_model, env={
        "HANDOFF_CONNECTOR": "chatwoot", "HANDOFF_CHATWOOT_URL": f"http://127.0.0.1:{chatwoot.server_address[1]}",
        "HANDOFF_CHATWOOT_ACCOUNT_ID": ACCOUNT, "HANDOFF_CHATWOOT_INBOX_ID": str(INBOX),
        "HANDOFF_CHATWOOT_API_TOKEN": API_TOKEN, "HANDOFF_CHATWOOT_WEBHOOK_TOKEN": WEBHOOK_TOKEN})
    try:
        yield running.start()
    finally:
        running.stop()


def webhook(servers: Servers, event: Dict[str, Any], token: str = WEBHOOK_TOKEN) -> requests.Response:
    return requests.post(f"{servers.handoff_url}/connectors/chatwoot/webhook/{token}", json=event, timeout=30)


def test_a_transfer_becomes_a_chatwoot_conversation_and_comes_back(chatwoot_servers: Servers,
                                                                    chatwoot: Chatwoot) -> None:
    servers = chatwoot_servers
    sender = f"cw-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "track order 10001 for alice@example.com")
    servers.say(sender, "I want to speak to a real person")
    contact = next(c for c in chatwoot.calls if c["path"].endswith("/contacts") and c["body"]["identifier"] == sender)
    assert contact["body"]["email"] == "alice@example.com"
    number = max(chatwoot.conversations)
    note = chatwoot.conversations[number]["messages"][0]
    assert note["private"] and "order 10001" in note["content"] and "explicit" in note["content"]

    servers.say(sender, "it was meant to arrive yesterday")
    deadline = time.monotonic() + 10
    while len(chatwoot.conversations[number]["messages"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert chatwoot.conversations[number]["messages"][1] == {
        "content": "it was meant to arrive yesterday", "message_type": "incoming", "private": False}

    assert webhook(servers, {"event": "message_created"}, token="guess").status_code == 401
    reply = {"event": "message_created", "message_type": "outgoing", "private": False, "content": "Hi, Priya here!",
             "conversation": {"id": number, "status": "open"}, "sender": {"name": "Priya", "type": "user"}}
    assert webhook(servers, reply).status_code == 201
    bots = [e for e in servers.tracker(sender)["events"] if e["event"] == "bot"]
    assert bots[-1]["text"] == "Hi, Priya here!" and bots[-1]["metadata"]["agent"] == "Priya"
    note = {**reply, "private": True, "content": "internal: VIP"}
    assert webhook(servers, note).json() == {"ignored": "message_created"}
    assert bots[-1]["text"] == [e for e in servers.tracker(sender)["events"] if e["event"] == "bot"][-1]["text"]

    resolved = webhook(servers, {"event": "conversation_status_changed", "id": number, "status": "resolved",
                                 "sender": {"name": "Priya"}})
    assert resolved.status_code == 200 and resolved.json()["session"]["status"] == "returned"
    assert not servers.tracker(sender)["paused"]
    assert chatwoot.conversations[number]["status"] == "resolved"
