"""The agent console in headless Chromium: an agent logs in, a transfer arrives, the
agent reads the context, accepts, chats with the customer and hands back to the bot.
Customer text with HTML in it stays text."""
from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest
import requests

from tests.conftest import require
from tests.e2e.test_webchat_browser import CHROMIUM, FLAGS, demo_page  # noqa: F401 (a fixture)
from tests.servers import AGENT_TOKEN, Servers

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
HOSTILE = "<img src=x onerror=window.__pwned=1> I want to speak to a real person"


def test_agent_takes_a_transfer_in_the_console(servers: Servers) -> None:
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    from playwright.sync_api import expect, sync_playwright

    sender = f"console-{uuid.uuid4().hex[:8]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(f"{servers.handoff_url}/")
            page.fill("#token", "not-a-token")
            page.click("#login button")
            expect(page.locator("#login-error")).to_have_text("That token is not known.")
            page.fill("#token", AGENT_TOKEN)
            page.click("#login button")
            expect(page.locator("#who")).to_contain_text("demo")
            expect(page.locator("#live")).to_have_text("live")  # the websocket is up

            servers.say(sender, "where is my order 10001")
            servers.say(sender, "alice@example.com")
            servers.say(sender, HOSTILE)
            expect(page.locator("#badge")).to_contain_text("new", timeout=10_000)
            page.locator("#queue li", has_text=sender).click()
            expect(page.locator("#summary")).to_contain_text("order 10001")
            expect(page.locator("#reasons")).to_contain_text("explicit")
            expect(page.locator("#transcript")).to_contain_text("<img src=x onerror=window.__pwned=1>")
            assert page.locator("#transcript img, #queue img").count() == 0
            assert page.evaluate("window.__pwned") is None
            assert page.locator("#sentiment rect").count() == 3

            page.click("#accept")
            expect(page.locator("#compose")).to_be_visible()
            page.fill("#text", "Hello Alice, I'm on it.")
            page.keyboard.press("Enter")
            expect(page.locator("#messages li.agent")).to_contain_text("Hello Alice, I'm on it.")
            events = servers.tracker(sender)["events"]
            assert [e["text"] for e in events if e["event"] == "bot"][-1] == "Hello Alice, I'm on it."

            assert servers.say(sender, "thank you! <b>bold</b>") == []
            expect(page.locator("#messages li.customer")).to_contain_text("thank you! <b>bold</b>", timeout=10_000)

            expect(page.locator("#figures")).to_contain_text("Today:")  # the desk's figures
            page.click("#return")
            expect(page.locator("#chat-title")).to_contain_text("returned")
            assert any(e["event"] == "resume" for e in servers.tracker(sender)["events"])
        finally:
            browser.close()


def test_a_widget_customer_and_a_console_agent_talk_live(servers: Servers, demo_page: str) -> None:
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            customer, agent = browser.new_page(), browser.new_page()
            customer.goto(f"{demo_page}?rasa={servers.rasa_url}")
            customer.locator(".rw-response", has_text="virtual assistant").first.wait_for(timeout=30_000)
            conversation = customer.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
            agent.goto(f"{servers.handoff_url}/")
            agent.fill("#token", AGENT_TOKEN)
            agent.click("#login button")
            expect(agent.locator("#live")).to_have_text("live")

            customer.fill(".rw-new-message", "I want to talk to a real person")
            customer.keyboard.press("Enter")
            customer.locator(".rw-response", has_text="queue").first.wait_for(timeout=30_000)
            agent.locator("#queue li", has_text=conversation).click()
            expect(agent.locator("#reasons")).to_contain_text("explicit")
            agent.click("#accept")
            agent.fill("#text", "Hi, this is a person. How can I help?")
            agent.keyboard.press("Enter")
            customer.locator(".rw-response", has_text="this is a person").first.wait_for(timeout=30_000)

            customer.fill(".rw-new-message", "my parcel never came")
            customer.keyboard.press("Enter")
            expect(agent.locator("#messages li.customer")).to_contain_text("my parcel never came", timeout=10_000)

            agent.click("#return")
            customer.locator(".rw-response", has_text="anything else").first.wait_for(timeout=30_000)
            customer.locator(".rw-reply", has_text=re.compile(r"^\s*5\s*$")).last.click()
            customer.locator(".rw-response", has_text="helps us a lot").first.wait_for(timeout=30_000)
        finally:
            browser.close()
    sessions = requests.get(f"{servers.handoff_url}/api/sessions?status=returned", timeout=30,
                            headers={"Authorization": f"Bearer {AGENT_TOKEN}"}).json()["sessions"]
    assert next(s for s in sessions if s["conversation_id"] == conversation)["rating"] == 5
