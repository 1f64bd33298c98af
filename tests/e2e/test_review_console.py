"""The quality loop in the agent console, in headless Chromium, against the real handoff
service (a Rasa stand-in gives the trackers and the NLU's reading): a supervisor's review
queue worst first with filters, findings on their turns, a bot answer marked and the
correction approved; an agent sees only their own conversations and cannot approve; the
agent assist puts the bot's answer in the reply box, and a bot answer in a chat's context
is marked."""
from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import requests

from tests.conftest import require
from tests.e2e.test_webchat_browser import CHROMIUM, FLAGS
from tests.handoff.events import action, bot, exchange, user
from tests.handoff.qa import rasa_stand_in
from tests.servers import AGENT_TOKEN, SERVICE_TOKEN

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
ANN = rasa_stand_in.AGENTS["ann"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    with rasa_stand_in.service(tmp_path_factory.mktemp("review-console")) as running:
        yield running


def call(service: Dict[str, Any], method: str, path: str, body: Any = None, token: str = AGENT_TOKEN) -> Any:
    reply = requests.request(method, service["url"] + path, json=body, timeout=10,
                             headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code < 300, reply.text
    return reply.json()


def conversation(name: str, events: list, paused: bool = False) -> None:
    start = time.time() - 120
    rasa_stand_in.TRACKERS[name] = {"sender_id": name, "paused": paused,
                                    "events": [{**e, "timestamp": start + i} for i, e in enumerate(events)]}


def seed(service: Dict[str, Any]) -> None:
    conversation("rv-bad", exchange("can I get my money back on a sale item", "Refunds go back to the original "
                                    "payment method.", faq_key="refund_method")
                 + exchange("can I get my money back on a sale item??", "Refunds go back to the original "
                            "payment method.", faq_key="refund_method")
                 + [action("action_listen"), user("<b>asdf</b> qwer", "nlu_fallback", 0.1), bot("Sorry?")])
    conversation("rv-good", exchange("how long does shipping take", "3-5 working days", faq_key="shipping_time"))
    conversation("rv-ann", [action("action_listen"), user("I want a person", "request_human"), {"event": "pause"},
                            {"event": "bot", "text": "Hi, Ann here", "metadata": {"agent": "ann"}}], paused=True)
    for name in ("rv-bad", "rv-good"):
        call(service, "POST", f"/api/qa/{name}/review", {})
    session = call(service, "POST", "/api/handoffs", {"context": {"conversation_id": "rv-ann"}},
                   token=SERVICE_TOKEN)["session"]["id"]
    call(service, "POST", f"/api/sessions/{session}/accept", {}, token=ANN)
    call(service, "POST", f"/api/sessions/{session}/close", {"return_to_bot": False}, token=ANN)
    deadline = time.monotonic() + 10
    while requests.get(f"{service['url']}/api/qa/rv-ann", timeout=5,
                       headers={"Authorization": f"Bearer {AGENT_TOKEN}"}).status_code != 200:
        assert time.monotonic() < deadline, "the closed session was not reviewed"
        time.sleep(0.2)


def test_a_supervisor_reviews_marks_and_approves(service: Dict[str, Any]) -> None:
    from playwright.sync_api import expect, sync_playwright

    seed(service)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{service['url']}/")
            page.fill("#token", AGENT_TOKEN)
            page.click("#login button")
            expect(page.locator("#review-open")).to_be_visible()
            page.click("#review-open")
            expect(page.locator("#desk")).to_be_hidden()
            expect(page.locator("#filter-agent-label")).to_be_visible()  # supervisors filter by agent
            items = page.locator("#review-list li")
            expect(items).to_have_count(3)
            expect(items.first).to_contain_text("rv-bad")
            expect(items.last).to_contain_text("rv-good")
            page.select_option("#filter-finding", "fallback")
            expect(items).to_have_count(1)
            page.select_option("#filter-finding", "")
            page.fill("#filter-agent", "ann")
            page.locator("#filter-agent").dispatch_event("change")
            expect(items).to_have_count(1)
            expect(items.first).to_contain_text("rv-ann")
            page.fill("#filter-agent", "")
            page.locator("#filter-agent").dispatch_event("change")
            expect(items).to_have_count(3)

            items.first.click()
            expect(page.locator("#review-title")).to_have_text("rv-bad")
            turn2 = page.locator('#review-transcript li.customer[data-turn="2"]')
            expect(turn2.locator('.finding[data-kind="customer_repeated"]')).to_be_visible()
            expect(page.locator('#review-transcript li[data-turn="1"] .finding[data-kind="task_failed"]')).to_be_visible()
            expect(page.locator('#review-transcript li[data-turn="3"] .finding[data-kind="fallback"]')).to_be_visible()
            expect(page.locator("#review-transcript")).to_contain_text("<b>asdf</b> qwer")  # text, not HTML
            assert page.locator("#review-transcript b").count() == 0
            assert page.locator("#review-transcript li.customer .mark").count() == 0  # only bot answers are marked

            first_answer = page.locator('#review-transcript li.bot[data-turn="1"]')
            first_answer.locator(".mark").click()
            form = first_answer.locator(".mark-form")
            form.locator(".mark-kind").select_option("should_handoff")
            expect(form.locator(".mark-expected")).to_be_hidden()
            form.locator(".mark-kind").select_option("wrong_answer")
            expect(form.locator(".mark-expected")).to_be_visible()
            form.locator(".mark-expected").select_option("faq/return_policy")
            form.locator(".mark-note").fill("a sale item is about the return policy")
            page.screenshot(path=str(service["workdir"] / "review-queue.png"), full_page=True)
            form.locator("button[type=submit]").click()
            expect(first_answer.locator(".marked")).to_contain_text("waiting for approval")

            page.click("#tab-corrections")
            expect(page.locator("#review-filters")).to_be_hidden()
            pending = page.locator("#corrections-list li")
            expect(pending).to_have_count(1)
            expect(pending.first).to_contain_text("can I get my money back on a sale item")
            pending.first.locator("button.approve").click()
            expect(pending).to_have_count(0)
        finally:
            browser.close()
    assert (service["workdir"] / "review-queue.png").stat().st_size > 10_000
    approved = call(service, "GET", "/api/corrections?status=approved")["corrections"]
    assert [(c["expected"], c["decided_by"], c["turn"]) for c in approved] == [("faq/return_policy", "demo", 1)]


def test_an_agent_sees_only_their_own_reviews_and_cannot_approve(service: Dict[str, Any]) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(f"{service['url']}/")
            page.fill("#token", ANN)
            page.click("#login button")
            page.click("#review-open")
            expect(page.locator("#filter-agent-label")).to_be_hidden()
            expect(page.locator("#review-list li")).to_have_count(1)
            expect(page.locator("#review-list li")).to_contain_text("rv-ann")
            page.click("#tab-corrections")
            expect(page.locator("#tab-corrections")).to_have_text("My corrections")
            expect(page.locator("#corrections-empty")).to_be_visible()
            assert page.locator("#corrections-list button.approve").count() == 0
            page.click("#review-open")  # back to the desk
            expect(page.locator("#desk")).to_be_visible()
            expect(page.locator("#review")).to_be_hidden()
        finally:
            browser.close()


def test_agent_assist_inserts_the_bots_answer_for_editing(service: Dict[str, Any]) -> None:
    from playwright.sync_api import expect, sync_playwright

    rasa_stand_in.PARSE.clear()
    rasa_stand_in.PARSE.update({"intent": {"name": "faq", "confidence": 0.9},
                                "coverage": {"score": 0.91, "in_scope": True, "threshold": 0.82},
                                "full_intent_ranking": [{"name": "faq/payment_methods", "confidence": 0.9},
                                                        {"name": "faq/pay_later", "confidence": 0.06}]})
    conversation("assist-ui", [action("action_listen"), user("do you take paypal", "request_human"),
                               {"event": "pause"}], paused=True)
    call(service, "POST", "/api/handoffs", {"context": {"conversation_id": "assist-ui", "transcript": [
        {"speaker": "customer", "text": "do you take paypal"},
        {"speaker": "bot", "text": "Let me find someone who can help."}]}}, token=SERVICE_TOKEN)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{service['url']}/")
            page.fill("#token", ANN)
            page.click("#login button")
            page.locator("#queue li", has_text="assist-ui").click()
            expect(page.locator("#accept")).to_be_visible()
            expect(page.locator("#assist")).to_be_hidden()  # not before the agent has the chat
            page.click("#accept")
            expect(page.locator("#assist")).to_be_visible()
            expect(page.locator("#assist-about")).to_contain_text("coverage 0.91")
            suggestions = page.locator("#assist-list li")
            expect(suggestions).to_have_count(2)
            expect(suggestions.first).to_contain_text("faq/payment_methods · 90 %")
            suggestions.first.locator("button.insert").click()
            expect(page.locator("#text")).to_have_value(
                "We accept Visa, Mastercard, American Express, PayPal, Apple Pay, Google Pay and gift cards.")
            expect(page.locator("#text")).to_be_focused()
            page.screenshot(path=str(service["workdir"] / "assist.png"))

            # the bot's answer before the transfer can be marked from the chat
            answer = page.locator("#transcript li.bot")
            answer.locator(".mark").click()
            answer.locator(".mark-expected").select_option("faq/payment_methods")
            answer.locator("button[type=submit]").click()
            expect(answer.locator(".marked")).to_contain_text("faq/payment_methods")
        finally:
            browser.close()
    assert (service["workdir"] / "assist.png").stat().st_size > 10_000
    mine = call(service, "GET", "/api/corrections?conversation_id=assist-ui", token=ANN)["corrections"]
    assert [(c["turn"], c["expected"], c["text"]) for c in mine] == [(1, "faq/payment_methods", "do you take paypal")]
