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
import yaml

from handoff.privacy.notice import CARD_NOTICE
from tests.servers import AGENT_TOKEN, Servers

BEFORE, DURING = "4111 1111 1111 1111", "5555-5555-5555-4444"


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.fixture(scope="module")
def private_servers(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("privacy")
    endpoints = workdir / "erase-endpoints.yml"  # where the handoff service finds Rasa's tracker store
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite",
                                                           "db": str(workdir / "tracker.db")}}))
    running = Servers(workdir, test_model, env={"RASA_ENDPOINTS": str(endpoints)})
    try:
        yield running.start()
    finally:
        running.stop()


def agent(servers: Servers, method: str, path: str, body: dict = None) -> requests.Response:
    return requests.request(method, f"{servers.handoff_url}{path}", json=body, timeout=30,
                            headers={"Authorization": f"Bearer {AGENT_TOKEN}"})


def test_a_request_to_delete_my_data_is_confirmed_then_erased_everywhere(private_servers: Servers) -> None:
    servers, sender = private_servers, f"erase-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "book a store visit next Tuesday at 11am")
    servers.say(sender, "yes")
    reply = " ".join(m.get("text", "") for m in servers.say(sender, "please delete my personal data"))
    if "?" in reply and "queue" not in reply:  # offered a person first
        reply = " ".join(m.get("text", "") for m in servers.say(sender, "yes"))
    sessions = agent(servers, "GET", "/api/sessions").json()["sessions"]
    session = next(s for s in sessions if s["conversation_id"] == sender)
    assert session["skill"] == "privacy", session
    notes = [m["text"] for m in agent(servers, "GET", f"/api/sessions/{session['id']}").json()["messages"]
             if m["sender"] == "system"]
    assert any("asked for their data to be deleted" in n for n in notes)
    assert agent(servers, "POST", f"/api/sessions/{session['id']}/accept").status_code == 200
    refused = agent(servers, "POST", f"/api/sessions/{session['id']}/erase", {"confirm": False})
    assert refused.status_code == 400
    erased = agent(servers, "POST", f"/api/sessions/{session['id']}/erase", {"confirm": True})
    assert erased.status_code == 200, erased.text
    deleted = erased.json()["erased"]["deleted"]
    assert erased.json()["erased"]["desk"] == "done"  # the console keeps no copy of its own
    assert deleted["tracker_events"] > 5 and deleted["handoff_sessions"] == 1 and deleted["bookings"] == 1, deleted
    assert agent(servers, "GET", f"/api/sessions/{session['id']}").status_code == 404
    events = requests.get(f"{servers.rasa_url}/conversations/{sender}/tracker", params={"token": "test-token"},
                          timeout=30).json()["events"]
    assert not any(e.get("event") == "user" for e in events)
    log = agent(servers, "GET", "/api/audit?kind=erasure").json()["entries"]
    assert log[-1]["detail"]["deleted"] == deleted and sender not in json.dumps(log)


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
