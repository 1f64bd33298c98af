"""The quality loop through the real handoff service (a Rasa stand-in gives the
trackers): a bot-only conversation reviewed once idle, a session reviewed when it
closes, who sees which review, corrections with the human gate, the agent assist and
the export of approved corrections."""
from __future__ import annotations

import subprocess
import sys
import time
from typing import Any, Dict, Iterator, Optional

import pytest
import requests
import yaml

from tests.handoff.events import action, bot, exchange, user
from tests.handoff.qa import rasa_stand_in
from tests.servers import AGENT_TOKEN, ROOT, SERVICE_TOKEN

ANN, BOB = rasa_stand_in.AGENTS["ann"], rasa_stand_in.AGENTS["bob"]  # agents, not supervisors


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    with rasa_stand_in.service(tmp_path_factory.mktemp("qa-service")) as running:
        yield running


def call(service: Dict[str, Any], method: str, path: str, body: Optional[Dict[str, Any]] = None,
         token: str = AGENT_TOKEN) -> requests.Response:
    return requests.request(method, service["url"] + path, json=body, timeout=10,
                            headers={"Authorization": f"Bearer {token}"})


def reviewed(service: Dict[str, Any], conversation: str, within: float = 15.0) -> Dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        reply = call(service, "GET", f"/api/qa/{conversation}")
        if reply.status_code == 200 or time.monotonic() > deadline:
            assert reply.status_code == 200, reply.text
            return reply.json()
        time.sleep(0.2)


def stamped(events: list) -> list:
    now = time.time() - 60
    return [{**e, "timestamp": now + i} for i, e in enumerate(events)]


def test_a_bot_only_conversation_is_reviewed_once_idle(service: Dict[str, Any]) -> None:
    events = stamped(exchange("what's your return policy", "You can return...", faq_key="return_policy")
                     + [action("action_listen"), user("asdf qwer", "nlu_fallback", 0.1), bot("Sorry?")])
    rasa_stand_in.TRACKERS["idle-1"] = {"sender_id": "idle-1", "events": events, "paused": False}
    assert call(service, "GET", "/api/qa/idle-1").status_code == 404
    sent = call(service, "POST", "/api/events", {"event": "user", "sender_id": "idle-1", "text": "asdf qwer",
                                                 "timestamp": events[-2]["timestamp"]}, token=SERVICE_TOKEN)
    assert sent.status_code == 200
    review = reviewed(service, "idle-1")
    assert review["score"] == 92 and review["conversation_id"] == "idle-1"
    assert [(f["kind"], f["turn"]) for f in review["findings"]] == [("task_completed", 1), ("fallback", 2)]
    assert review["lines"][0] == {"turn": 1, "speaker": "customer", "text": "what's your return policy",
                                  "intent": "faq/return_policy", "confidence": 0.95, "paused": False,
                                  "at": events[1]["timestamp"]}


def open_session(service: Dict[str, Any], conversation: str) -> str:
    reply = call(service, "POST", "/api/handoffs", {"context": {
        "conversation_id": conversation, "reasons": [{"trigger": "explicit"}], "skill": "general",
        "transcript": [{"speaker": "customer", "text": "do you take paypal"}]}}, token=SERVICE_TOKEN)
    assert reply.status_code == 201, reply.text
    return reply.json()["session"]["id"]


def test_a_session_is_reviewed_when_it_closes_and_agents_see_only_their_own(service: Dict[str, Any]) -> None:
    events = stamped([action("action_listen"), user("I want a real person", "request_human"), {"event": "pause"},
                      {"event": "bot", "text": "Hi, Ann here", "metadata": {"agent": "ann"}},
                      user("order 10001, alice@example.com", "inform"),
                      {"event": "bot", "text": "Found 10001 for alice@example.com", "metadata": {"agent": "ann"}}])
    rasa_stand_in.TRACKERS["closed-1"] = {"sender_id": "closed-1", "events": events, "paused": True}
    session = open_session(service, "closed-1")
    assert call(service, "POST", f"/api/sessions/{session}/accept", {}, token=ANN).status_code == 200
    assert call(service, "POST", f"/api/sessions/{session}/close", {"return_to_bot": True}, token=ANN).status_code == 200
    review = reviewed(service, "closed-1")
    assert review["agent"] == "ann" and review["skill"] == "general"
    assert {f["kind"] for f in review["findings"]} == {"agent_repeated_details"}
    assert call(service, "GET", "/api/qa/closed-1", token=ANN).status_code == 200
    assert call(service, "GET", "/api/qa/closed-1", token=BOB).status_code == 403
    mine = call(service, "GET", "/api/qa", token=ANN).json()["results"]
    assert [r["conversation_id"] for r in mine] == ["closed-1"]
    assert call(service, "GET", "/api/qa?agent=ann", token=BOB).status_code == 403
    everyone = call(service, "GET", "/api/qa").json()["results"]
    assert [r["score"] for r in everyone] == sorted(r["score"] for r in everyone)  # worst first
    assert [r["conversation_id"] for r in call(service, "GET", "/api/qa?finding=agent_repeated_details")
            .json()["results"]] == ["closed-1"]
    assert call(service, "GET", "/api/qa?finding=nonsense").status_code == 400
    assert call(service, "GET", "/api/qa?day=2001-01-01").json()["results"] == []
    assert call(service, "POST", "/api/qa/closed-1/review", {}, token=ANN).status_code == 403
    assert call(service, "POST", "/api/qa/closed-1/review", {}).json()["score"] == review["score"]


def test_corrections_pass_the_human_gate(service: Dict[str, Any]) -> None:
    events = stamped(exchange("may I settle the bill through paypal", "You can return unused items...", faq_key="return_policy"))
    rasa_stand_in.TRACKERS["wrong-1"] = {"sender_id": "wrong-1", "events": events, "paused": False}
    body = {"conversation_id": "wrong-1", "turn": 1, "kind": "wrong_answer", "expected": "faq/payment_methods",
            "note": "asked about paypal"}
    made = call(service, "POST", "/api/corrections", body, token=ANN)
    assert made.status_code == 201, made.text
    correction = made.json()["correction"]
    assert made.json()["id"] == correction["id"] and correction["author"] == "ann"
    assert (correction["text"], correction["status"]) == ("may I settle the bill through paypal", "pending")
    assert correction["answered"].startswith("[faq/return_policy] You can return")
    assert call(service, "POST", "/api/corrections", {**body, "expected": "faq/nonsense"}, token=ANN).status_code == 404
    assert call(service, "POST", "/api/corrections", {**body, "turn": 9}, token=ANN).status_code == 409
    assert call(service, "POST", f"/api/corrections/{correction['id']}/approve", {}, token=ANN).status_code == 403
    approved = call(service, "POST", f"/api/corrections/{correction['id']}/approve", {"note": "right"})
    assert approved.status_code == 200 and approved.json()["correction"]["decided_by"] == "demo"
    assert call(service, "POST", f"/api/corrections/{correction['id']}/reject", {}).status_code == 409
    other = call(service, "POST", "/api/corrections", {**body, "kind": "should_handoff"}, token=BOB).json()["id"]
    assert call(service, "POST", f"/api/corrections/{other}/reject", {}).json()["correction"]["status"] == "rejected"
    assert call(service, "POST", "/api/corrections/nope/approve", {}).status_code == 404
    assert [c["author"] for c in call(service, "GET", "/api/corrections", token=BOB).json()["corrections"]] == ["bob"]
    approved_ids = [c["id"] for c in call(service, "GET", "/api/corrections?status=approved").json()["corrections"]]
    assert approved_ids == [correction["id"]]

    out = service["workdir"] / "corrections.yml"
    exported = subprocess.run([sys.executable, "-m", "handoff", "corrections", "export", "--out", str(out), "--db",
                               f"sqlite:///{service['workdir'] / 'handoff.db'}", "--by", "designer"],
                              cwd=ROOT, env=service["env"], capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0, exported.stderr
    assert "wrote 1 examples" in exported.stdout
    data = yaml.safe_load(out.read_text())
    assert data["nlu"] == [{"intent": "faq/payment_methods", "examples": "- may I settle the bill through paypal\n"}]


def test_agent_assist_offers_the_bots_answers(service: Dict[str, Any]) -> None:
    rasa_stand_in.PARSE.update({"intent": {"name": "faq", "confidence": 0.9},
                                "coverage": {"score": 0.93, "in_scope": True, "threshold": 0.82},
                                "full_intent_ranking": [{"name": "faq/payment_methods", "confidence": 0.9},
                                                        {"name": "greet", "confidence": 0.05},
                                                        {"name": "faq/pay_later", "confidence": 0.04}]})
    session = open_session(service, "assist-1")
    found = call(service, "GET", f"/api/sessions/{session}/assist", token=ANN).json()
    assert found["message"] == "do you take paypal" and found["coverage"]["score"] == 0.93
    assert [(s["kind"], s["title"]) for s in found["suggestions"]] == [("faq", "faq/payment_methods"),
                                                                       ("faq", "faq/pay_later")]
    assert found["suggestions"][0]["text"].startswith("We accept Visa")
    assert call(service, "GET", "/api/sessions/nope/assist").status_code == 404
