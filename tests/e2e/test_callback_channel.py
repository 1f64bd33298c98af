"""A messaging-style customer: Rasa's callback channel posts every bot reply to the
messaging platform's URL; an agent's message during a handoff reaches it the same way,
with the agent's name in front."""
from __future__ import annotations

import http.server
import json
import time
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

from tests.local_http import QuietHandler, serving
from tests.servers import AGENT_TOKEN, Servers, free_port


class Platform(http.server.ThreadingHTTPServer):
    received: List[dict]


class Handler(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        server: Platform = self.server  # type: ignore[assignment]
        server.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()



@pytest.fixture(scope="module")
def platform() -> Iterator[Platform]:
    server = Platform(("127.0.0.1", free_port()), Handler)
    server.received = []
    with serving(server):
        yield server


@pytest.fixture(scope="module")
def callback_servers(test_model: Path, platform: Platform, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    url = f"http://127.0.0.1:{platform.server_address[1]}/bot"
    running = Servers(tmp_path_factory.mktemp("callback"), test_model,
                      credentials={"bot.channels.speaker.SpeakerCallbackInput": {"url": url}})
    try:
        yield running.start()
    finally:
        running.stop()


def heard(platform: Platform, sender: str, text: str, within: float = 20.0) -> List[str]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        texts = [m.get("text", "") for m in platform.received if m.get("recipient_id") == sender]
        if any(text in t for t in texts):
            return texts
        time.sleep(0.05)
    raise AssertionError(f"'{text}' never reached {sender}: {platform.received[-5:]}")


def test_an_agent_reaches_a_messaging_customer(callback_servers: Servers, platform: Platform) -> None:
    servers = callback_servers
    sender = f"sms-{uuid.uuid4().hex[:8]}"

    def write(text: str) -> None:
        response = requests.post(f"{servers.rasa_url}/webhooks/callback/webhook",
                                 json={"sender": sender, "message": text}, timeout=30)
        assert response.status_code == 200, response.text

    write("I want to talk to a real person")
    heard(platform, sender, "queue")
    headers = {"Authorization": f"Bearer {AGENT_TOKEN}"}
    queued = requests.get(f"{servers.handoff_url}/api/sessions?status=queued", headers=headers, timeout=30).json()
    path = f"{servers.handoff_url}/api/sessions/" + next(
        s["id"] for s in queued["sessions"] if s["conversation_id"] == sender)
    assert requests.post(f"{path}/accept", headers=headers, timeout=30).status_code == 200
    sent = requests.post(f"{path}/messages", json={"text": "Hello from a person"}, headers=headers, timeout=30)
    assert sent.status_code == 201, sent.text
    heard(platform, sender, "Sam from our team has joined the chat.")
    assert "Sam: Hello from a person" in heard(platform, sender, "Hello from a person")  # who is talking
    requests.post(f"{path}/close", json={"return_to_bot": True}, headers=headers, timeout=30)
    heard(platform, sender, "anything else")
