"""The whole system on non-default ports, started the way a user starts it: `make start`
(honcho and the real Procfile, endpoints.yml and demo page) with RASA_PORT,
ACTIONS_PORT, HANDOFF_PORT and WEB_PORT set to free ports. The demo page finds Rasa,
a REST message reaches an action (order lookup), a transfer reaches the handoff
service, the event broker relays the customer's next message there, and Ctrl-C (SIGINT
to the process group, as a terminal sends it) stops every process."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import requests

from tests.conftest import require
from tests.e2e.test_webchat_browser import CHROMIUM, FLAGS
from tests.servers import AGENT_TOKEN, ROOT, TOKEN, base_env, free_port

pytestmark = pytest.mark.e2e
# Left out of the copy: what `make start` writes (var/) or reads from elsewhere (models/).
PRIVATE = {"models", "var", ".cache", ".git", "results"}


@dataclass
class System:
    app: Path
    ports: Dict[str, int]
    make: subprocess.Popen
    log: Path

    def url(self, port: str) -> str:
        return f"http://127.0.0.1:{self.ports[port]}"

    def say(self, sender: str, text: str) -> List[dict]:
        response = requests.post(f"{self.url('RASA_PORT')}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def agent_api(self, path: str) -> dict:
        response = requests.get(f"{self.url('HANDOFF_PORT')}{path}",
                                headers={"Authorization": f"Bearer {AGENT_TOKEN}"}, timeout=30)
        response.raise_for_status()
        return response.json()

    def listening(self) -> List[str]:
        return [name for name, port in self.ports.items() if _listening(port)]

    def interrupt(self, within: float = 30) -> None:
        """Ctrl-C: SIGINT to the process group of `make`, then wait for it to end."""
        if self.make.poll() is None:
            os.killpg(self.make.pid, signal.SIGINT)
            try:
                self.make.wait(timeout=within)
            except subprocess.TimeoutExpired:
                os.killpg(self.make.pid, signal.SIGKILL)
                self.make.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def app_copy(app: Path, model: Path) -> None:
    """The project as a user has it (links to its files), with the test model as models/assistant.tar.gz."""
    for entry in ROOT.iterdir():
        if entry.name not in PRIVATE:
            (app / entry.name).symlink_to(entry)
    (app / "models").mkdir()
    (app / "models" / "assistant.tar.gz").symlink_to(model)


def wait_for(system: System, url: str, what: str, timeout: float = 240) -> requests.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if system.make.poll() is not None:
            raise RuntimeError(f"make start ended with {system.make.returncode}:\n{system.log.read_text()[-4000:]}")
        try:
            response = requests.get(url, timeout=2)
            if response.ok:
                return response
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not answer at {url} in {timeout:.0f} s:\n{system.log.read_text()[-4000:]}")


@pytest.fixture(scope="module")
def system(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    require(shutil.which("make") is not None, "GNU make is not installed")
    require((ROOT / ".venv" / "bin" / "honcho").exists(), "honcho is not installed in .venv (make install)")
    app = tmp_path_factory.mktemp("app")
    app_copy(app, test_model)
    ports = {name: free_port() for name in ("RASA_PORT", "ACTIONS_PORT", "HANDOFF_PORT", "WEB_PORT")}
    assert not {5005, 5055, 5006, 8080} & set(ports.values())
    env = {key: value for key, value in base_env().items()
           if key not in ("ACTIONS_URL", "HANDOFF_URL", "RASA_URL", "SHOP_DATA_DIR", "MAKEFLAGS", "VENV", "CORS_ORIGINS")}
    env.update({name: str(port) for name, port in ports.items()},
               HOST="127.0.0.1", RASA_TOKEN=TOKEN, HANDOFF_AGENT_TOKEN=AGENT_TOKEN, HANDOFF_AGENT_IDLE="86400")
    log = app / "make-start.log"
    with log.open("w") as handle:
        make = subprocess.Popen(["make", "--no-print-directory", "start"], cwd=app, env=env,
                                stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
    running = System(app, ports, make, log)
    try:
        wait_for(running, f"{running.url('ACTIONS_PORT')}/health", "the action server")
        wait_for(running, f"{running.url('HANDOFF_PORT')}/health", "the handoff service")
        wait_for(running, f"{running.url('WEB_PORT')}/config.js", "the demo page")
        deadline = time.monotonic() + 240
        while not wait_for(running, f"{running.url('RASA_PORT')}/status?token={TOKEN}", "Rasa").json().get("model_file"):
            assert time.monotonic() < deadline, "Rasa loaded no model"
            time.sleep(0.5)
        running.agent_api("/api/me")  # the demo agent is on duty, as with the console open
        yield running
    finally:
        running.interrupt()


def test_the_demo_page_points_the_widget_at_this_rasa(system: System) -> None:
    page = requests.get(f"{system.url('WEB_PORT')}/", timeout=10).text
    assert '<script src="config.js"></script>' in page
    config = requests.get(f"{system.url('WEB_PORT')}/config.js", timeout=10).text
    assert f'"rasaPort": {system.ports["RASA_PORT"]}' in config


def test_the_widget_converses_with_this_rasa_without_any_parameter(system: System) -> None:
    require(shutil.which("chromium") is not None or Path(CHROMIUM).exists(),
            "Debian's chromium is not installed (make test installs it with apt-get)")
    from playwright.sync_api import sync_playwright

    sockets: List[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            page = browser.new_page()
            page.on("websocket", lambda ws: sockets.append(ws.url))
            page.goto(f"{system.url('WEB_PORT')}/")  # no ?rasa=
            page.locator(".rw-response", has_text="virtual assistant").first.wait_for(timeout=30_000)
        finally:
            browser.close()
    assert sockets and all(url.startswith(f"ws://127.0.0.1:{system.ports['RASA_PORT']}/socket.io/") for url in sockets)


def test_a_message_reaches_the_action_server(system: System) -> None:
    reply = " ".join(m.get("text", "") for m in system.say(f"ports-{uuid.uuid4().hex[:8]}",
                                                           "track order #10001 for alice@example.com"))
    assert "shipped with DPD" in reply, reply


def test_a_transfer_and_the_next_message_reach_the_handoff_service(system: System) -> None:
    sender = f"ports-{uuid.uuid4().hex[:8]}"
    reply = " ".join(m.get("text", "") for m in system.say(sender, "I want to speak to a real person"))
    assert "queue" in reply, reply  # the action server posted the context to HANDOFF_URL
    queued = system.agent_api("/api/sessions?status=queued")["sessions"]
    session = next(s for s in queued if s["conversation_id"] == sender)
    assert system.say(sender, "my order number is 10003") == []  # paused: for the agent
    deadline, lines = time.monotonic() + 15, []
    while "my order number is 10003" not in lines and time.monotonic() < deadline:  # the event broker relays it
        messages = system.agent_api(f"/api/sessions/{session['id']}")["messages"]
        lines = [m["text"] for m in messages if m["sender"] == "customer"]
        time.sleep(0.2)
    assert "my order number is 10003" in lines


def test_ctrl_c_stops_every_process(system: System) -> None:
    assert system.listening() == list(system.ports)
    system.interrupt()
    deadline = time.monotonic() + 15
    while system.listening() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert system.listening() == [], system.log.read_text()[-3000:]
    assert system.make.returncode is not None
