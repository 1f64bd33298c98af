"""The relay under real faults, on the embedded default (SQLite, our event broker): Rasa,
the action server and the handoff service are processes started here, killed with
SIGKILL or frozen with SIGSTOP/SIGCONT, and every count is exact: what was sent was
received, once, in order, and both sides end in agreement."""
from __future__ import annotations

import hashlib
import signal
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest
import requests
import yaml

from tests.servers import AGENT_TOKEN, SERVICE_TOKEN, Servers

AGENTS = {"kim": "kim-token", "lee": "lee-token", "max": "max-token"}


@pytest.fixture(scope="module")
def relay(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("relay")
    agents = workdir / "agents.yml"
    agents.write_text(yaml.safe_dump([{"name": name, "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
                                       "capacity": 3} for name, token in AGENTS.items()]))
    running = Servers(workdir, test_model, env={"HANDOFF_RASA_TIMEOUT": "4", "HANDOFF_RECONCILE": "2",
                                                "HANDOFF_AGENTS": str(agents)})
    try:
        yield running.start()
    finally:
        running.stop()


def api(servers: Servers, method: str, path: str, body: Optional[Dict[str, Any]] = None,
        token: str = AGENT_TOKEN, timeout: float = 30) -> requests.Response:
    return requests.request(method, f"{servers.handoff_url}{path}", json=body, timeout=timeout,
                            headers={"Authorization": f"Bearer {token}"})


def eventually(check: Callable[[], Any], within: float = 30.0, every: float = 0.2) -> Any:
    deadline = time.monotonic() + within
    while True:
        try:
            result = check()
        except requests.RequestException:
            result = None
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)


def accepted(servers: Servers) -> tuple:
    """A customer asks for a person; the demo agent accepts."""
    sender = f"relay-{uuid.uuid4().hex[:8]}"
    reply = " ".join(m.get("text", "") for m in servers.say(sender, "I want to speak to a real person"))
    assert "queue" in reply, reply
    session = next(s for s in api(servers, "GET", "/api/sessions?status=queued").json()["sessions"]
                   if s["conversation_id"] == sender)
    assert api(servers, "POST", f"/api/sessions/{session['id']}/accept").status_code == 200
    return sender, session["id"]


def messages(servers: Servers, session_id: str, sender: str) -> List[dict]:
    return [m for m in api(servers, "GET", f"/api/sessions/{session_id}").json()["messages"] if m["sender"] == sender]


def customer_lines(servers: Servers, session_id: str, wanted: int) -> List[str]:
    lines = eventually(lambda: [m["text"] for m in messages(servers, session_id, "customer")]
                       if len(messages(servers, session_id, "customer")) >= wanted else None, within=60)
    time.sleep(1.0)  # anything doubled would arrive now
    return [m["text"] for m in messages(servers, session_id, "customer")] if lines else []


def bot_events_with(servers: Servers, sender: str, message_id: str) -> int:
    return sum(1 for e in servers.tracker(sender)["events"]
               if e["event"] == "bot" and (e.get("metadata") or {}).get("message_id") == message_id)


def close(servers: Servers, session_id: str) -> None:
    assert api(servers, "POST", f"/api/sessions/{session_id}/close", {"return_to_bot": False}).status_code == 200


def outbox_pending(servers: Servers, held: bool = False) -> int:
    """Events in Rasa's outbox (with `held`, only those written while the tracker is not saved yet)."""
    with sqlite3.connect(servers.workdir / "data" / "outbox.db") as db:
        return db.execute("SELECT count(*) FROM outbox" + (" WHERE held = 1" if held else "")).fetchone()[0]


def test_service_down_while_the_customer_writes_loses_nothing(relay: Servers) -> None:
    sender, session_id = accepted(relay)
    relay.process("handoff").signal(signal.SIGKILL)
    sent = [f"message {i} while you were away" for i in range(5)]
    for text in sent:
        assert relay.say(sender, text) == []  # paused: the person answers, not the bot
    time.sleep(2.0)  # down for longer than the old broker's retries lasted
    assert outbox_pending(relay) == 5
    relay.process("handoff").respawn()
    assert customer_lines(relay, session_id, 5) == sent  # all, once, in order
    assert outbox_pending(relay) == 0
    close(relay, session_id)


def test_presence_survives_a_restart(relay: Servers) -> None:
    relay.process("handoff").respawn()  # nobody calls the API after it: the desk must still be staffed
    sender = f"relay-{uuid.uuid4().hex[:8]}"
    reply = " ".join(m.get("text", "") for m in relay.say(sender, "I want to speak to a real person"))
    assert "queue" in reply and "nobody" not in reply, reply
    session = next(s for s in api(relay, "GET", "/api/sessions?status=queued").json()["sessions"]
                   if s["conversation_id"] == sender)
    assert session["left_message_at"] is None
    assert api(relay, "POST", f"/api/sessions/{session['id']}/accept").status_code == 200
    close(relay, session["id"])


def test_rasa_killed_with_messages_in_its_outbox_loses_and_doubles_nothing(relay: Servers) -> None:
    sender, session_id = accepted(relay)
    service = relay.process("handoff")
    service.signal(signal.SIGSTOP)  # deliveries hang: the events wait in Rasa's outbox
    sent = ["first before the crash", "second before the crash", "third before the crash"]
    try:
        for text in sent:
            relay.say(sender, text)
        relay.process("rasa").signal(signal.SIGKILL)
    finally:
        service.signal(signal.SIGCONT)  # it now takes the POSTs that were in flight: the outbox still has them
    relay.process("rasa").respawn()  # ...and resends them: the service recognises their ids
    assert customer_lines(relay, session_id, 3) == sent
    assert eventually(lambda: outbox_pending(relay) == 0)
    close(relay, session_id)


def test_rasa_killed_between_its_outbox_and_its_tracker_leaves_both_sides_agreeing(relay: Servers) -> None:
    sender, session_id = accepted(relay)
    tracker_db = sqlite3.connect(relay.workdir / "tracker.db", timeout=30, isolation_level=None)
    tracker_db.execute("BEGIN IMMEDIATE")  # Rasa's next save waits for the tracker's write lock...
    replies: List[Any] = []
    try:
        writing = threading.Thread(target=lambda: replies.append(_say_or_error(relay, sender, "written at the crash")))
        writing.start()
        assert eventually(lambda: outbox_pending(relay, held=True) == 1)  # ...after writing the outbox
        relay.process("rasa").signal(signal.SIGKILL)
        writing.join(timeout=30)
    finally:
        tracker_db.execute("ROLLBACK")
        tracker_db.close()
    assert isinstance(replies[0], requests.RequestException)  # the customer's client saw the drop
    relay.process("rasa").respawn()  # the tracker does not have it: restored from the outbox, then delivered
    assert customer_lines(relay, session_id, 1) == ["written at the crash"]
    wrote = [e["text"] for e in relay.tracker(sender)["events"] if e["event"] == "user"]
    assert wrote.count("written at the crash") == 1
    relay.say(sender, "and after it")
    assert customer_lines(relay, session_id, 2) == ["written at the crash", "and after it"]
    assert eventually(lambda: outbox_pending(relay) == 0)
    close(relay, session_id)


def _say_or_error(servers: Servers, sender: str, text: str) -> Any:
    try:
        return servers.say(sender, text)
    except requests.RequestException as exc:
        return exc


def test_agent_message_with_rasa_frozen_past_the_timeout_arrives_once(relay: Servers) -> None:
    agent_message_with_rasa_frozen(relay)


def agent_message_with_rasa_frozen(relay: Servers) -> None:
    sender, session_id = accepted(relay)
    path = f"/api/sessions/{session_id}/messages"
    rasa = relay.process("rasa")
    rasa.signal(signal.SIGSTOP)
    try:
        first = api(relay, "POST", path, {"text": "Checking your order now.", "id": "m-frozen"})
    finally:
        rasa.signal(signal.SIGCONT)
    assert first.status_code == 202 and first.json()["message"]["status"] == "sending"  # unknown: not "failed"

    def retried() -> Optional[dict]:  # the console retries with the same id until it knows
        message = api(relay, "POST", path, {"text": "Checking your order now.", "id": "m-frozen"}).json()["message"]
        return message if message["status"] == "delivered" else None
    assert eventually(retried, within=45, every=1.0)
    assert bot_events_with(relay, sender, "m-frozen") == 1
    (stored,) = messages(relay, session_id, "agent")
    assert stored["status"] == "delivered" and stored["id"] == "m-frozen"
    close(relay, session_id)


def test_service_killed_mid_send_gives_no_false_failure_and_no_duplicate(relay: Servers) -> None:
    service_killed_mid_send(relay)


def service_killed_mid_send(relay: Servers) -> None:
    sender, session_id = accepted(relay)
    path = f"/api/sessions/{session_id}/messages"
    rasa, service = relay.process("rasa"), relay.process("handoff")
    answers: List[Any] = []
    rasa.signal(signal.SIGSTOP)  # the send is on its way to Rasa when the service dies
    try:
        sending = threading.Thread(target=lambda: answers.append(_post_or_error(relay, path, "m-killed")))
        sending.start()
        time.sleep(1.0)
        service.signal(signal.SIGKILL)
        sending.join(timeout=30)
    finally:
        rasa.signal(signal.SIGCONT)
    assert isinstance(answers[0], requests.RequestException)  # the agent saw the connection drop
    service.respawn()
    states = []

    def retried() -> Optional[dict]:
        message = api(relay, "POST", path, {"text": "On it.", "id": "m-killed"}).json()["message"]
        states.append(message["status"])
        return message if message["status"] == "delivered" else None
    assert eventually(retried, within=45, every=1.0)
    assert bot_events_with(relay, sender, "m-killed") == 1
    if "failed" in states:  # only ever said when the customer did not have it at that moment
        assert states.index("failed") < states.index("delivered")
    assert api(relay, "GET", f"/api/sessions/{session_id}").json()["session"]["status"] == "active"
    close(relay, session_id)


def _post_or_error(servers: Servers, path: str, key: str) -> Any:
    try:
        return api(servers, "POST", path, {"text": "On it.", "id": key})
    except requests.RequestException as exc:
        return exc


def test_concurrent_accepts_stop_at_capacity_and_the_loser_hears_the_truth(relay: Servers) -> None:
    ids = []
    for n in range(6):
        context = {"conversation_id": f"cap-{uuid.uuid4().hex[:8]}", "skill": "general", "priority": "normal"}
        ids.append(api(relay, "POST", "/api/handoffs", {"context": context}, token=SERVICE_TOKEN).json()["session"]["id"])
    results: List[requests.Response] = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        api(relay, "POST", f"/api/sessions/{i}/accept", token=AGENTS["kim"]))) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results) == [200, 200, 200, 409, 409, 409]
    refusal = next(r for r in results if r.status_code == 409).json()["error"]
    assert "kim has 3 open chats and the limit is 3" in refusal
    # Which three kim won depends on the threads' timing: the race is for one kim could not take.
    queued = {s["id"] for s in api(relay, "GET", "/api/sessions?status=queued", token=AGENTS["lee"]).json()["sessions"]}
    free = next(i for i in ids if i in queued)
    race: List[requests.Response] = []
    threads = [threading.Thread(target=lambda name=name: race.append(
        api(relay, "POST", f"/api/sessions/{free}/accept", token=AGENTS[name]))) for name in ("lee", "max")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = next(r for r in race if r.status_code == 200).json()["session"]["agent"]
    lost = next(r for r in race if r.status_code != 200)
    assert lost.status_code == 409 and f"accepted by {won}" in lost.json()["error"]


def test_reconciliation_repairs_both_sides(relay: Servers) -> None:
    sender, session_id = accepted(relay)
    requests.post(f"{relay.rasa_url}/conversations/{sender}/tracker/events", params={"token": "test-token"},
                  json={"event": "resume"}, timeout=30).raise_for_status()  # the bot has it behind the desk's back
    repaired = eventually(lambda: api(relay, "GET", f"/api/sessions/{session_id}").json()["session"]["status"]
                          == "returned")
    assert repaired
    notes = [m["text"] for m in messages(relay, session_id, "system")]
    assert any(n.startswith("repaired: closed as returned") for n in notes), notes
    requests.post(f"{relay.rasa_url}/conversations/{sender}/tracker/events", params={"token": "test-token"},
                  json={"event": "pause"}, timeout=30).raise_for_status()  # paused with no session open
    assert eventually(lambda: not relay.tracker(sender)["paused"])
    said = [e["text"] for e in relay.tracker(sender)["events"] if e["event"] == "bot"]
    assert said.count("You're back with the shop assistant now. Write again if you'd like a person.") == 1


def test_action_server_down_at_a_transfer_the_customer_gets_the_callback_offer(relay: Servers) -> None:
    actions = relay.process("actions")
    actions.signal(signal.SIGKILL)
    try:
        sender = f"relay-{uuid.uuid4().hex[:8]}"
        reply = relay.say(sender, "I want to speak to a real person")
        text = " ".join(m.get("text", "") for m in reply)
        assert "can't reach our team" in text and "callback" in text, reply
        assert any(b["title"] == "Book a phone callback" for m in reply for b in m.get("buttons", []))
        assert not relay.tracker(sender)["paused"]
    finally:
        actions.respawn()


@pytest.mark.browser
def test_the_console_shows_each_message_sending_then_delivered(relay: Servers) -> None:
    import shutil

    from tests.conftest import require
    from tests.e2e.test_webchat_browser import CHROMIUM, FLAGS

    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    from playwright.sync_api import expect, sync_playwright

    sender, session_id = accepted(relay)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(f"{relay.handoff_url}/")
            page.fill("#token", AGENT_TOKEN)
            page.click("#login button")
            page.locator("#queue li", has_text=sender).click()
            page.fill("#text", "First, while all is well.")
            page.keyboard.press("Enter")
            expect(page.locator("#messages li.agent").last).to_contain_text("delivered")
            rasa = relay.process("rasa")
            rasa.signal(signal.SIGSTOP)  # no answer in time: the console must not claim either way
            try:
                page.fill("#text", "Second, while Rasa is frozen.")
                page.keyboard.press("Enter")
                expect(page.locator("#messages li.agent").last).to_contain_text("sending…", timeout=15_000)
            finally:
                rasa.signal(signal.SIGCONT)
            # the reconciliation finds it in the tracker, and the console is told
            expect(page.locator("#messages li.agent").last).to_contain_text("delivered", timeout=40_000)
            assert page.locator("#messages li.agent").count() == 2
        finally:
            browser.close()
    (second,) = [m for m in messages(relay, session_id, "agent") if m["text"].startswith("Second")]
    assert bot_events_with(relay, sender, second["id"]) == 1
    close(relay, session_id)
