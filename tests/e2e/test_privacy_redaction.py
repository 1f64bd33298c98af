"""A card number typed before and during a handoff is never kept in full: not in the
handoff service's session (GET /api/sessions/{id}), not in Rasa's tracker, not in any
process's log; the customer is told once that it was not kept."""
from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests

from handoff.privacy.notice import CARD_NOTICE
from tests.servers import AGENT_TOKEN, Servers

BEFORE, DURING = "4111 1111 1111 1111", "5555-5555-5555-4444"


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.fixture(scope="module")
def private_servers(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    running = Servers(tmp_path_factory.mktemp("privacy"), test_model)
    try:
        yield running.start()
    finally:
        running.stop()


def agent(servers: Servers, method: str, path: str, body: dict = None) -> requests.Response:
    return requests.request(method, f"{servers.handoff_url}{path}", json=body, timeout=30,
                            headers={"Authorization": f"Bearer {AGENT_TOKEN}"})


def test_a_card_number_is_never_kept_in_full(private_servers: Servers) -> None:
    servers, sender = private_servers, f"pii-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "where is my order 10001")
    servers.say(sender, "alice@example.com")
    first = [m.get("text", "") for m in servers.say(sender, f"can I pay with my card {BEFORE}?")]
    assert first[0] == CARD_NOTICE, first
    again = [m.get("text", "") for m in servers.say(sender, f"the card is {BEFORE}")]
    assert CARD_NOTICE not in again  # once per conversation
    reply = " ".join(m.get("text", "") for m in servers.say(sender, "I want to speak to a real person"))
    assert "queue" in reply, reply
    session = next(s for s in agent(servers, "GET", "/api/sessions?status=queued").json()["sessions"]
                   if s["conversation_id"] == sender)
    assert agent(servers, "POST", f"/api/sessions/{session['id']}/accept").status_code == 200
    assert servers.say(sender, f"or take it from {DURING}, mail me at eve@example.com") == []
    deadline, lines = time.monotonic() + 15, []
    while time.monotonic() < deadline and not lines:
        answer = agent(servers, "GET", f"/api/sessions/{session['id']}").json()
        lines = [m["text"] for m in answer["messages"] if m["sender"] == "customer"]
        time.sleep(0.2)
    assert lines == ["or take it from [REDACTED:card_number], mail me at [REDACTED:email]"]
    seen = agent(servers, "GET", f"/api/sessions/{session['id']}").text
    assert "[REDACTED:card_number]" in seen and "alice@example.com" in seen  # the verified email stays
    tracker = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker", params={"token": "test-token"},
                           timeout=30).text
    told = [e for e in json.loads(tracker)["events"] if (e.get("metadata") or {}).get("card_notice")]
    assert "[REDACTED:card_number]" in tracker and len(told) == 1
    servers.stop()  # every log is complete
    logs = {p.name: p.read_text(errors="replace") for p in servers.workdir.glob("*.log")}
    assert {"actions.log", "handoff.log"} <= set(logs) and any(n.startswith("rasa-") for n in logs)
    for where, text in [("session", seen), ("tracker", tracker), *logs.items()]:
        for card in (BEFORE, DURING):
            assert digits_of(card) not in digits_of(text), f"a card number in full in {where}"
