"""The console for a customer's request to delete their data: a supervisor sees the button
in the privacy queue, confirms, and the conversation is gone; an agent sees no such
button and no session outside their queues. Headless Chromium against the real service
(Rasa is a stand-in)."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Tuple

import pytest

from tests.conftest import require
from tests.e2e.test_roles_scope import BOSS, KIM, call, open_session, service  # noqa: F401 (a fixture)
from tests.e2e.test_webchat_browser import CHROMIUM, FLAGS

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_a_supervisor_erases_from_the_console_and_an_agent_cannot(service: Tuple[str, Path],  # noqa: F811
                                                                    tmp_path: Path) -> None:
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    from playwright.sync_api import expect, sync_playwright

    url, _ = service
    request = open_session(url, "console-erase", "privacy")
    open_session(url, "console-orders", "orders")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{url}/")
            page.fill("#token", KIM)
            page.click("#login button")
            expect(page.locator("#who")).to_contain_text("kim")
            expect(page.locator("#queue li", has_text="console-orders")).to_be_visible()
            assert page.locator("#queue li", has_text="console-erase").count() == 0  # not kim's queue
            page.locator("#queue li", has_text="console-orders").click()
            expect(page.locator("#accept")).to_be_visible()
            expect(page.locator("#erase")).to_be_hidden()
            page.click("#logout")

            page.fill("#token", BOSS)
            page.click("#login button")
            page.locator("#queue li", has_text="console-erase").click()
            expect(page.locator("#erase")).to_be_visible()
            page.screenshot(path=str(tmp_path / "erase.png"))
            page.once("dialog", lambda dialog: dialog.accept())
            page.click("#erase")
            expect(page.locator("#chat-status")).to_contain_text("handoff_sessions 1")
            expect(page.locator("#chat-status")).to_contain_text("keep erasure-")
            expect(page.locator("#queue li", has_text="console-erase")).to_have_count(0)
            expect(page.locator("#transcript li")).to_have_count(0)
        finally:
            browser.close()
    assert call(url, BOSS, "GET", f"/api/sessions/{request}").status_code == 404
