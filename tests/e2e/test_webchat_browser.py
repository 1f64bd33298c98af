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
