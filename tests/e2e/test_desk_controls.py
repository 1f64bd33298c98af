"""The kill switch and the load rules with the real servers (Rasa, actions, handoff
service): a supervisor switches the bot off for orders and order questions go straight
to a person while FAQs stay with the bot; back on, the bot answers again. With the only
agent at capacity, a normal request for a person becomes a callback offer (the customer
is told why) while an urgent legal threat still transfers; the metrics count both rules."""
from __future__ import annotations

import hashlib
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
import requests
import yaml

from tests.servers import ROOT, SERVICE_TOKEN, Servers

pytestmark = pytest.mark.e2e
LEAD = "test-lead-token"


@pytest.fixture(scope="module")
def desk(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("controls")
    rules = yaml.safe_load((ROOT / "handoff.yml").read_text())
    rules["load"]["enabled"] = True  # opt-in: on for the service of this test
    (workdir / "handoff.yml").write_text(yaml.safe_dump(rules))
    agents = workdir / "agents.yml"
    agents.write_text(yaml.safe_dump([{"name": "lead", "token_sha256": hashlib.sha256(LEAD.encode()).hexdigest(),
                                       "capacity": 1, "supervisor": True}]))
    running = Servers(workdir, test_model, agent_on_duty=False,
                      env={"HANDOFF_AGENTS": str(agents), "HANDOFF_AGENT_TOKEN": "", "HANDOFF_STATE_REFRESH": "0.5",
                           "HANDOFF_CONFIG": str(workdir / "handoff.yml")})
    try:
        running.start()
        call(running, "GET", "/api/me").raise_for_status()  # the lead is on duty
        yield running
    finally:
        running.stop()


def call(servers: Servers, method: str, path: str, body: Optional[Dict[str, Any]] = None,
         token: str = LEAD) -> requests.Response:
    return requests.request(method, f"{servers.handoff_url}{path}", json=body, timeout=30,
                            headers={"Authorization": f"Bearer {token}"})


def said(servers: Servers, sender: str, text: str) -> str:
    return " ".join(m.get("text", "") for m in servers.say(sender, text))


def until_state(servers: Servers, skill: str, off: bool) -> None:
    """The policy polls every 0.5 s: give it a moment to read the change."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = call(servers, "GET", "/api/desk-state", token=SERVICE_TOKEN).json()
        if (skill in state["off"]) == off:
            time.sleep(1.5)
            return
        time.sleep(0.2)
    raise AssertionError(f"the switch for {skill} did not become {off}")


def test_switched_off_orders_go_straight_to_a_person_and_come_back(desk: Servers) -> None:
    assert call(desk, "PUT", "/api/kill-switch", {"skill": "orders", "enabled": True, "reason": ""}).status_code == 400
    changed = call(desk, "PUT", "/api/kill-switch", {"skill": "orders", "enabled": True,
                                                     "reason": "order system down"})
    assert changed.status_code == 200 and changed.json()["switch"]["actor"] == "lead"
    until_state(desk, "orders", True)
    sender = f"ks-{uuid.uuid4().hex[:6]}"
    reply = said(desk, sender, "where is my order?")
    assert "passing you" in reply.lower(), reply
    tracker = desk.tracker(sender)
    reasons = next(e["value"] for e in tracker["events"] if e.get("name") == "handoff_reasons" and e.get("value"))
    assert reasons[0]["trigger"] == "kill_switch" and tracker["latest_event_time"] and any(
        e["event"] == "pause" for e in tracker["events"])
    faq = said(desk, f"faq-{uuid.uuid4().hex[:6]}", "how long does shipping take?")
    assert "passing you" not in faq.lower(), faq  # other skills stay with the bot
    assert call(desk, "GET", "/api/kill-switch").json()["off"] == ["orders"]
    call(desk, "PUT", "/api/kill-switch", {"skill": "orders", "enabled": False, "reason": "fixed"}).raise_for_status()
    until_state(desk, "orders", False)
    again = said(desk, f"ks-{uuid.uuid4().hex[:6]}", "where is my order?")
    assert "passing you" not in again.lower() and "order number" in again.lower(), again


def test_a_full_desk_offers_a_callback_but_still_transfers_urgent_reasons(desk: Servers) -> None:
    opened = requests.post(f"{desk.handoff_url}/api/handoffs", headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
                           json={"context": {"conversation_id": "busy-1", "reasons": [{"trigger": "explicit"}]}},
                           timeout=10).json()["session"]
    assert call(desk, "POST", f"/api/sessions/{opened['id']}/accept").status_code == 200  # the lead is now full
    assert call(desk, "GET", "/api/desk-state", token=SERVICE_TOKEN).json()["load"]["state"] == "busy"
    sender = f"busy-{uuid.uuid4().hex[:6]}"
    reply = said(desk, sender, "I want to talk to a real person")
    assert "everyone in our team is helping other customers" in reply and "callback" in reply, reply
    session = call(desk, "GET", "/api/sessions?status=queued").json()["sessions"]
    mine = next(s for s in session if s["conversation_id"] == sender)
    assert mine["left_message_at"] is not None  # kept as a message, not a queue place
    legal = f"legal-{uuid.uuid4().hex[:6]}"
    assert "passing you" in said(desk, legal, "I'm going to take legal action and see you in court").lower()
    figures = call(desk, "GET", "/api/metrics").json()
    assert figures["load_rules"].get("load.busy") == 1 and figures["load_rules"].get("kill_switch") == 1
    assert figures["containment"]["handoff_by_trigger"].get("kill_switch") == 1
