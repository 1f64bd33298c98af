"""The customer demo page (web/index.html, the rasa-webchat widget) converses in
headless Chromium over socket.io's websocket transport."""
from __future__ import annotations

import functools
import http.server
import shutil
from pathlib import Path
from typing import Iterator, List

import pytest

from tests.conftest import require
from tests.local_http import serving
from tests.servers import DEMO_PAGE_PORT, ROOT, Servers

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def demo_page() -> Iterator[str]:
    require((ROOT / "web" / "node_modules" / "rasa-webchat" / "lib" / "index.js").exists(),
            "the web widget is not installed (make install runs npm ci in web/)")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT / "web"))
    # on the port whose origin Rasa's CORS allows in tests (tests.servers.CORS_ORIGINS)
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", DEMO_PAGE_PORT), handler)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/"


def test_widget_converses_over_websocket(servers: Servers, demo_page: str) -> None:
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    frames: List[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.on("websocket", lambda ws: ws.on("framereceived", lambda frame: frames.append(str(frame))))
            page.goto(f"{demo_page}?rasa={servers.rasa_url}")
            # The widget sends /greet on connect; the greeting comes back.
            page.locator(".rw-response", has_text="virtual assistant").first.wait_for(timeout=30_000)
            page.fill(".rw-new-message", "how long does shipping take?")
            page.keyboard.press("Enter")
            page.locator(".rw-response", has_text="3-5 working days").first.wait_for(timeout=30_000)
            page.fill(".rw-new-message", "where is my order 10001")
            page.keyboard.press("Enter")
            page.locator(".rw-response", has_text="email address on the order").first.wait_for(timeout=30_000)
            page.fill(".rw-new-message", "alice@example.com")
            page.keyboard.press("Enter")
            page.locator(".rw-response", has_text="shipped with DPD").first.wait_for(timeout=30_000)
            session_id = page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
        finally:
            browser.close()
    assert any("bot_uttered" in f and "shipped with DPD" in f for f in frames), "replies did not arrive over the websocket"
    users = [e["text"] for e in servers.tracker(session_id)["events"] if e["event"] == "user"]
    assert "alice@example.com" in users


def test_a_persons_messages_are_shown_as_theirs(servers: Servers, demo_page: str) -> None:
    """During a handoff the widget shows who is talking: the join, the agent's name on a
    bubble of its own look, the bot coming back. A screenshot is kept for a look."""
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    import requests
    from playwright.sync_api import sync_playwright

    from tests.servers import AGENT_TOKEN, CACHE

    headers = {"Authorization": f"Bearer {AGENT_TOKEN}"}

    def desk(method: str, path: str, body: dict = None) -> requests.Response:
        return requests.request(method, f"{servers.handoff_url}{path}", json=body, headers=headers, timeout=30)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 760})
            page.goto(f"{demo_page}?rasa={servers.rasa_url}")
            page.locator(".rw-response", has_text="virtual assistant").first.wait_for(timeout=30_000)
            page.fill(".rw-new-message", "I want to talk to a real person")
            page.keyboard.press("Enter")
            page.locator(".rw-response", has_text="queue").first.wait_for(timeout=30_000)
            session_id = page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
            queued = desk("GET", "/api/sessions?status=queued").json()["sessions"]
            path = "/api/sessions/" + next(s["id"] for s in queued if s["conversation_id"] == session_id)
            assert desk("POST", f"{path}/accept").status_code == 200
            joined = page.locator(".rw-handoff-notice", has_text="Sam from our team has joined")
            joined.wait_for(timeout=30_000)
            assert desk("POST", f"{path}/messages", {"text": "Hi, I'm looking at your order now."}).status_code == 201
            bubble = page.locator('.rw-agent-message[data-agent="Sam"]', has_text="looking at your order")
            bubble.wait_for(timeout=30_000)
            shown = bubble.evaluate("b => getComputedStyle(b, '::before').content")
            agent_look = bubble.evaluate("b => getComputedStyle(b).backgroundColor")
            bot_look = page.locator(".rw-response", has_text="queue").first.evaluate(
                "b => getComputedStyle(b).backgroundColor")
            assert desk("POST", f"{path}/close", {"return_to_bot": True}).status_code == 200
            page.locator(".rw-handoff-notice", has_text="back with the shop assistant").wait_for(timeout=30_000)
            page.locator(".rw-response", has_text="how did our team do").wait_for(timeout=30_000)
            page.locator("#webchat").screenshot(path=str(CACHE / "widget-agent-message.png"))
        finally:
            browser.close()
    assert "Sam" in shown and "our team" in shown
    assert agent_look != bot_look
    assert [e["text"] for e in servers.tracker(session_id)["events"] if e["event"] == "bot"
            and (e.get("metadata") or {}).get("agent_name") == "Sam" and "agent" in e["metadata"]] == [
        "Hi, I'm looking at your order now."]
