"""The attack surface, probed against the real servers (Rasa, the action server, the
handoff service; one set for the module): each test reproduces one way in and
asserts that it is closed."""
from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest
import requests
import yaml

from tests.servers import AGENT_TOKEN, SERVICE_TOKEN, TOKEN, Servers

pytestmark = pytest.mark.e2e
FLOOD_TOKEN = "flood-agent-token"  # a second agent, so that its throttling leaves the demo agent alone
LIMITS = {"HANDOFF_LOGIN_FAILURES": "5", "HANDOFF_LOCKOUT_SECONDS": "3", "HANDOFF_RATE_PER_MINUTE": "100"}


@pytest.fixture(scope="module")
def servers(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("security")
    agents = workdir / "agents.yml"
    agents.write_text(yaml.safe_dump([{"name": "flood", "token_sha256": hashlib.sha256(FLOOD_TOKEN.encode()).hexdigest()}]))
    running = Servers(workdir, test_model, env={**LIMITS, "HANDOFF_AGENTS": str(agents)})
    try:
        yield running.start()
    finally:
        running.stop()


def strict(text: str) -> Any:
    """JSON as browsers read it: NaN and Infinity are errors."""
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")
    return json.loads(text, parse_constant=refuse)


def api(servers: Servers, method: str, path: str, body: Any = None, token: Optional[str] = AGENT_TOKEN,
        **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{servers.handoff_url}{path}", json=body, headers=headers, timeout=30, **kwargs)


def text_of(messages: List[dict]) -> str:
    return " ".join(m.get("text", "") for m in messages)


def sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def session_of(servers: Servers, conversation: str, status: str = "queued,assigned,active,returned") -> Dict[str, Any]:
    sessions = strict(api(servers, "GET", f"/api/sessions?status={status}").text)["sessions"]
    return next(s for s in sessions if s["conversation_id"] == conversation)


# ---- 1. one message must not freeze the bot ------------------------------------------------
def test_a_1_mb_message_gets_the_long_message_reply_and_others_are_answered(servers: Servers) -> None:
    replies: Dict[str, str] = {}

    def say(who: str, text: str) -> None:
        replies[who] = text_of(servers.say(sender(who), text))

    huge = threading.Thread(target=say, args=("huge", "a" * 1_000_000))
    huge.start()
    time.sleep(0.2)
    say("hi", "hi")
    huge.join(60)
    assert "too long for me to read" in replies["huge"]
    assert "virtual assistant" in replies["hi"] or "help" in replies["hi"], replies["hi"]


def test_bodies_over_the_limits_are_refused_with_json(servers: Servers) -> None:
    rasa = requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", data=b"x" * 3_000_000,
                         headers={"Content-Type": "application/json"}, timeout=30)
    assert rasa.status_code == 413 and "size limit" in rasa.json()["message"]
    service = api(servers, "POST", "/api/events", data=b"{" + b" " * 1_100_000 + b"}", token=SERVICE_TOKEN)
    assert service.status_code == 413 and "error" in service.json()


# ---- 2. one customer must not blind the desk ---------------------------------------------
def test_infinity_in_a_payload_never_reaches_the_console(servers: Servers) -> None:
    customer = sender("infinity")
    servers.say(customer, '/greet{"order_number": Infinity}')
    assert "queue" in text_of(servers.say(customer, "I want to talk to a real person"))
    listing = api(servers, "GET", "/api/sessions")
    session = next(s for s in strict(listing.text)["sessions"] if s["conversation_id"] == customer)
    assert session["context"]["slots"].get("order_number") is None
    assert "Infinity" not in listing.text and "NaN" not in listing.text


def test_a_context_of_the_wrong_shape_is_refused_and_metrics_keep_working(servers: Servers) -> None:
    odd = {"context": {"conversation_id": sender("odd"), "reasons": "notalist"}}
    refused = api(servers, "POST", "/api/handoffs", odd, token=SERVICE_TOKEN)
    assert refused.status_code == 400 and "reasons" in refused.json()["error"]
    nan = api(servers, "POST", "/api/handoffs", data=b'{"context": {"conversation_id": "x", "slots": {"a": NaN}}}',
              token=SERVICE_TOKEN)
    assert nan.status_code == 400
    metrics = api(servers, "GET", "/api/metrics")
    assert metrics.status_code == 200 and strict(metrics.text)["sessions"] >= 0


# ---- 5/6. the action server and the service token -----------------------------------------
def test_forged_action_server_calls_are_refused(servers: Servers) -> None:
    forged = {"next_action": "action_check_order", "version": "3.6.21", "domain": {},
              "tracker": {"sender_id": "x", "slots": {"order_number": "10001", "order_email": "alice@example.com"},
                          "latest_message": {}, "events": [], "paused": False, "active_loop": {}}}
    for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}, {"Authorization": "Bearer guess"}):
        reply = requests.post(f"{servers.actions_url}/webhook", json=forged, headers=headers, timeout=10)
        assert reply.status_code == 401 and "DPD" not in reply.text
    assert requests.get(f"{servers.actions_url}/actions", timeout=10).status_code == 401
    assert requests.get(f"{servers.actions_url}/health", timeout=10).status_code == 200
    # Rasa itself has the secret: a lookup through the chat works
    reply = text_of(servers.say(sender("order"), "track order #10005 for alice@example.com please"))
    assert "being prepared" in reply


def test_sessions_cannot_be_forged_without_the_service_token(servers: Servers) -> None:
    forged = {"context": {"conversation_id": sender("forged"), "customer": {"email": "a@b.c", "verified": True},
                          "reasons": [{"trigger": "gray_area", "skill": "legal", "priority": "urgent"}]}}
    for token in (TOKEN, AGENT_TOKEN):  # Rasa's token and an agent's open no session
        assert api(servers, "POST", "/api/handoffs", forged, token=token).status_code == 401
    event = {"event": "user", "sender_id": "x", "text": "injected", "timestamp": time.time()}
    assert api(servers, "POST", "/api/events", event, token=TOKEN).status_code == 401
    assert api(servers, "POST", "/api/handoffs", forged, token=SERVICE_TOKEN).status_code == 201


# ---- 7. errors as JSON, no internals -------------------------------------------------------
def test_errors_are_json_without_internals(servers: Servers) -> None:
    customer = sender("errors")
    servers.say(customer, "I want to talk to a real person")
    session = session_of(servers, customer)
    answers = [
        api(servers, "GET", f"/api/sessions/{session['id']}?after=9223372036854775808"),
        api(servers, "GET", "/console/"),
        api(servers, "DELETE", "/api/sessions"),
        requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", data=b"", timeout=10),
        requests.post(f"{servers.rasa_url}/webhooks/rest/webhook", json=[1], timeout=10),
    ]
    assert [a.status_code for a in answers] == [400, 404, 405, 400, 400]
    for answer in answers:
        assert answer.headers["Content-Type"].startswith("application/json"), answer.text
        assert "Traceback" not in answer.text and "Error:" not in answer.text and ".py" not in answer.text
    assert "GET" in answers[2].headers["Allow"]


def test_rasas_token_never_reaches_its_log(servers: Servers) -> None:
    for call in ({"json": {"name": "action_does_not_exist"}}, {"json": {"text": "hi", "parse_data": 5}}):
        path = "execute" if "name" in call["json"] else "messages"
        reply = requests.post(f"{servers.rasa_url}/conversations/{sender('log')}/{path}", params={"token": TOKEN},
                              timeout=30, **call)
        assert reply.status_code >= 400
    # a line Rasa logs for sure, with a URL and its token in it (a payload the channel drops)
    servers.say(sender("log"), f'/greet{{"a": NaN, "u": "/status?token={TOKEN}"}}')
    log = next(p for p in servers.processes if p.name.startswith("rasa")).log.read_text(errors="replace")
    assert "/status?token=[removed]" in log
    assert TOKEN not in log


# ---- 4. throttling and lockout ------------------------------------------------------------
def test_order_guesses_across_conversations_and_restarts_are_stopped(servers: Servers) -> None:
    for guess in range(5):  # fresh sender ids, one guess each, for the owner of order 10003
        reply = text_of(servers.say(sender(f"guess{guess}"), f"where is order 10003, my email is g{guess}@example.com"))
        assert "couldn't find an order 10003" in reply
    reply = text_of(servers.say(sender("guess-owner"), "where is order 10003, my email is bob@example.com"))
    assert "too many unsuccessful tries" in reply and "bookshelf" not in reply

    customer = sender("restart")
    for attempt in range(3):
        reply = text_of(servers.say(customer, f"where is order 10006, my email is m{attempt}@example.com"))
    assert "can't look up more orders" in reply
    servers.say(customer, "/restart")
    reply = text_of(servers.say(customer, "where is order 10006, my email is bob@example.com"))
    assert "can't look up more orders" in reply and "winter jacket" not in reply


def test_an_agent_flooding_the_api_is_throttled(servers: Servers) -> None:
    codes = [api(servers, "GET", "/api/me", token=FLOOD_TOKEN) for _ in range(110)]
    throttled = [r for r in codes if r.status_code == 429]
    assert len([r for r in codes if r.status_code == 200]) == 100 and throttled
    assert 1 <= int(throttled[0].headers["Retry-After"]) <= 60
    assert api(servers, "GET", "/api/me").status_code == 200  # another agent is not affected


async def _ws(url: str, token: str, origin: Optional[str] = None) -> Any:
    import websockets

    async with websockets.connect(url, origin=origin) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        return json.loads(await asyncio.wait_for(ws.recv(), 10))


def test_wrong_tokens_lock_the_address_out_then_it_recovers(servers: Servers) -> None:
    import websockets

    url = servers.handoff_url.replace("http://", "ws://") + "/api/ws"
    for _ in range(2):
        with pytest.raises(websockets.ConnectionClosed):
            asyncio.run(_ws(url, "wrong"))
    codes = [api(servers, "GET", "/api/sessions", token=f"guess-{i}").status_code for i in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[-1] == 429
    locked = api(servers, "GET", "/api/me")  # even the right token waits: guessing gets no answer
    assert locked.status_code == 429 and 1 <= int(locked.headers["Retry-After"]) <= 3
    with pytest.raises(websockets.InvalidStatusCode) as refused:
        asyncio.run(_ws(url, AGENT_TOKEN))
    assert refused.value.status_code == 429
    time.sleep(int(locked.headers["Retry-After"]) + 0.5)
    assert api(servers, "GET", "/api/me").status_code == 200
    assert asyncio.run(_ws(url, AGENT_TOKEN)) == {"type": "hello", "agent": "demo"}


# ---- 10. origins ---------------------------------------------------------------------------
def test_foreign_origins_are_refused(servers: Servers) -> None:
    import websockets

    url = servers.handoff_url.replace("http://", "ws://") + "/api/ws"
    with pytest.raises(websockets.InvalidStatusCode) as refused:
        asyncio.run(_ws(url, AGENT_TOKEN, origin="http://evil.example"))
    assert refused.value.status_code == 403
    assert asyncio.run(_ws(url, AGENT_TOKEN, origin=servers.handoff_url))["type"] == "hello"
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    foreign = requests.options(f"{servers.rasa_url}/webhooks/rest/webhook", timeout=10,
                               headers={"Origin": "http://evil.example", **preflight})
    assert "evil.example" not in foreign.headers.get("Access-Control-Allow-Origin", "")
    assert foreign.headers.get("Access-Control-Allow-Origin") != "*"
    demo = requests.options(f"{servers.rasa_url}/webhooks/rest/webhook", timeout=10,
                            headers={"Origin": "http://localhost:8080", **preflight})
    assert demo.headers.get("Access-Control-Allow-Origin") == "http://localhost:8080"
    handshake = f"{servers.rasa_url}/socket.io/?EIO=4&transport=polling"  # the web widget's channel
    assert requests.get(handshake, headers={"Origin": "http://evil.example"}, timeout=10).status_code == 400
    allowed = requests.get(handshake, headers={"Origin": "http://localhost:8080"}, timeout=10)
    assert allowed.status_code == 200
    assert allowed.headers.get("Access-Control-Allow-Origin") == "http://localhost:8080"  # once (requests joins repeated headers)


# ---- 9. the console's headers -------------------------------------------------------------
def test_every_answer_carries_the_security_headers(servers: Servers) -> None:
    for path in ("/console/index.html", "/console/console.js", "/api/me", "/nothing-here"):
        headers = api(servers, "GET", path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


# ---- 11. one rating per session -----------------------------------------------------------
def test_a_rating_is_given_once_and_repeating_it_opens_nothing(servers: Servers) -> None:
    customer = sender("rating")
    assert "queue" in text_of(servers.say(customer, "I want to talk to a real person"))
    path = f"/api/sessions/{session_of(servers, customer)['id']}"
    assert api(servers, "POST", f"{path}/accept").status_code == 200
    assert api(servers, "POST", f"{path}/messages", {"text": "Hello, sorted now."}).status_code == 201
    assert api(servers, "POST", f"{path}/close", {"return_to_bot": True}).status_code == 200
    assert "helps us a lot" in text_of(servers.say(customer, '/rate_agent{"rating": "5"}'))
    for rating in "1111":
        reply = text_of(servers.say(customer, f'/rate_agent{{"rating": "{rating}"}}'))
        assert "passing you" not in reply and "queue" not in reply
    assert api(servers, "GET", path).json()["session"]["rating"] == 5
    sessions = strict(api(servers, "GET", "/api/sessions?status=queued,assigned,active").text)["sessions"]
    assert not [s for s in sessions if s["conversation_id"] == customer]
    events = servers.tracker(customer)["events"]
    assert [e["event"] for e in events].count("pause") == 1
    again = api(servers, "POST", "/api/ratings", {"conversation_id": customer, "rating": 1}, token=SERVICE_TOKEN)
    assert again.status_code == 409


# ---- 9. the console in a browser ----------------------------------------------------------
def test_the_console_hides_the_login_and_isolates_customer_text(servers: Servers) -> None:
    import shutil

    from tests.conftest import require
    from tests.e2e.test_webchat_browser import CHROMIUM, FLAGS

    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    from playwright.sync_api import expect, sync_playwright

    customer = sender("bidi")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            errors: List[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(f"{servers.handoff_url}/")
            expect(page.locator("#desk")).to_be_hidden()  # nothing of the desk before login
            page.fill("#token", AGENT_TOKEN)
            page.click("#login button")
            expect(page.locator("#who")).to_contain_text("demo")
            expect(page.locator("#login")).to_be_hidden()  # the form with the token in it is gone
            expect(page.locator("#desk")).to_be_visible()
            expect(page.locator("#live")).to_have_text("live")  # the websocket, within the CSP

            servers.say(customer, "I want to talk to a real person")
            page.locator("#queue li", has_text=customer).click()
            servers.say(customer, "y" * 3000)
            servers.say(customer, "my file is \u202egnp.exe\u202c and a zero\u200bwidth space")
            message = page.locator("#messages li.customer", has_text="U+202E")
            expect(message).to_be_visible(timeout=10_000)
            shown = message.locator("> bdi")
            assert shown.evaluate("e => getComputedStyle(e).unicodeBidi") == "isolate"
            assert "U+200B" in shown.inner_text() and "\u202e" not in shown.inner_text()
            expect(page.locator("#messages li.customer")).to_have_count(2, timeout=10_000)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # long text wraps
            page.screenshot(path=str(servers.workdir / "console-security.png"), full_page=True)
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
