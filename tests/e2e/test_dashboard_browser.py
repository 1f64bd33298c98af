"""The supervisors' dashboard in headless Chromium over the scripted day: an agent who is
not a supervisor is turned away; a supervisor sees the key figures, every chart drawn
(its canvas is not blank, checked in the page and on a screenshot), the staffing
forecast, and switches the bot off and on for a skill."""
from __future__ import annotations

import hashlib
import http.server
import io
import shutil
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import yaml

from handoff.insights import tracker_source
from handoff.insights.staffing import week_start
from handoff.service.routes.dashboard import CHART_JS
from handoff.service.store import SessionStore, sessions
from tests.conftest import require
from tests.e2e.test_desk_service import run_service
from tests.e2e.test_service_schema import RasaStandIn
from tests.e2e.test_webchat_browser import CHROMIUM, FLAGS
from tests.insights.scripted import day
from tests.local_http import serving

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
LEAD = "dashboard-lead-token"
KIM = "dashboard-agent-token"  # an agent, not a supervisor
CHARTS = ("chart-days", "chart-triggers", "chart-tasks", "chart-cost", "chart-staffing")
INK = """(id) => { const c = document.getElementById(id); const d = c.getContext('2d')
  .getImageData(0, 0, c.width, c.height).data; let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
  return n; }"""


def history(workdir: Path) -> None:
    """Four weeks of Mondays at 10:00 with 20 transfers each, handled in 8 minutes, before this week."""
    store = SessionStore.from_url(f"sqlite:///{workdir / 'handoff.db'}")
    monday = week_start(datetime.now(timezone.utc)) + timedelta(hours=10)
    rows = []
    for week in range(1, 5):
        for minute in range(0, 60, 3):
            at = monday - timedelta(weeks=week) + timedelta(minutes=minute)
            rows.append({"id": str(uuid.uuid4()), "conversation_id": f"h-{week}-{minute}", "status": "resolved",
                         "skill": "general", "priority": "normal", "rank": 1, "context": "{}", "created_at": at,
                         "assigned_at": at + timedelta(seconds=30), "closed_at": at + timedelta(seconds=510),
                         "escalated": 0})
    with store.engine.begin() as connection:
        connection.execute(sessions.insert(), rows)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, Path]]:
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(), "Debian's chromium is not installed")
    require(CHART_JS.is_file(), "Chart.js is not installed in web/node_modules (make install)")
    workdir = tmp_path_factory.mktemp("dashboard")
    engine = tracker_source.tracker_engine(f"sqlite:///{workdir / 'tracker.db'}")
    tracker_source.ensure_table(engine)
    tracker_source.insert_events(engine, [{"sender_id": n, "event": e} for n, events in day().items() for e in events])
    history(workdir)
    agents = workdir / "agents.yml"
    agents.write_text(yaml.safe_dump([{"name": "lead", "role": "supervisor",
                                       "token_sha256": hashlib.sha256(LEAD.encode()).hexdigest()},
                                      {"name": "kim", "role": "agent", "skills": ["orders"],
                                       "token_sha256": hashlib.sha256(KIM.encode()).hexdigest()}]))
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), RasaStandIn)) as rasa:
        url, process = run_service(workdir, rasa.server_address[1], HANDOFF_AGENTS=str(agents))
        try:
            yield url, workdir
        finally:
            process.stop()


def test_a_supervisor_sees_the_desk_drawn(dashboard: Tuple[str, Path]) -> None:
    from PIL import Image
    from playwright.sync_api import expect, sync_playwright

    url, workdir = dashboard
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            errors = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{url}/dashboard")
            expect(page.locator("#board")).to_be_hidden()
            page.fill("#token", KIM)
            page.click("#login button")
            expect(page.locator("#login-error")).to_have_text("This dashboard is for supervisors.")
            expect(page.locator("#board")).to_be_hidden()
            page.fill("#token", LEAD)
            page.click("#login button")
            expect(page.locator("#login")).to_be_hidden()
            expect(page.locator("#tiles")).to_contain_text("Contained (no person)")
            expect(page.locator("#tiles")).to_contain_text("85.7 %")  # 6 of the day's 7 conversations
            expect(page.locator("#staffing-note")).to_contain_text("handle time 480 s (from the history)")
            assert "peak 0 agents" not in page.locator("#staffing-note").inner_text()
            expect(page.locator("#switch-state")).to_have_text("The bot is on for every skill")
            for chart in CHARTS:
                assert page.evaluate(INK, chart) > 500, f"{chart} drew nothing"
            shot = Image.open(io.BytesIO(page.locator("#chart-days").screenshot())).convert("L")
            assert len(set(shot.getdata())) > 3, "the chart's screenshot is one flat colour"
            page.screenshot(path=str(workdir / "dashboard.png"), full_page=True)

            page.fill("#switch-skill", "orders")
            page.fill("#switch-reason", "order system down")
            page.click("#switch-off")
            expect(page.locator("#switch-state")).to_have_text("The bot is OFF for: orders")
            expect(page.locator("#switches")).to_contain_text("by lead (manual): order system down")
            page.goto(f"{url}/console/index.html")  # the agents' console shows it too (same login)
            expect(page.locator("#kill-switch")).to_have_text(
                "The bot is switched off for: orders. New questions come to the desk.")
            expect(page.locator("#dashboard-link")).to_be_visible()
            page.goto(f"{url}/dashboard/index.html")
            expect(page.locator("#board")).to_be_visible()
            page.fill("#switch-skill", "orders")
            page.fill("#switch-reason", "fixed")
            page.click("#switch-on")
            expect(page.locator("#switch-state")).to_have_text("The bot is on for every skill")

            page.select_option("#skill", "orders")
            page.click("#filters button")
            expect(page.locator("#tiles")).to_contain_text("100.0 %")  # the one order conversation was contained
            assert not errors, errors
        finally:
            browser.close()
