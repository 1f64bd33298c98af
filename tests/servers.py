"""Start the real servers for end-to-end tests: train (once, cached by Rasa's
fingerprint) the same pipeline with fewer epochs, then run Rasa and the action
server on free ports of 127.0.0.1, each a process we started and end by PID."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "test"
TOKEN = "test-token"
AGENT_TOKEN = "test-agent-token"  # the handoff service's demo agent
SERVICE_TOKEN = "test-service-token"  # action server -> handoff service
ACTIONS_TOKEN = "test-actions-token"  # Rasa -> action server
JWT_SECRET = "test-jwt-secret"  # handoff service -> Rasa's HTTP API (a JWT header, not ?token=)
# Fewer epochs than bot/config.yml, same pipeline and policies.
TEST_EPOCHS = {"bot.components.ted_cache.CachedTEDPolicy": 30}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The demo page's origin in tests: the only one Rasa's CORS allows besides make run's.
DEMO_PAGE_PORT = free_port()
CORS_ORIGINS = [f"http://127.0.0.1:{DEMO_PAGE_PORT}", "http://127.0.0.1:8080", "http://localhost:8080"]


def base_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.update(RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore",
               SANIC_HOST="127.0.0.1", PYTHONPATH=str(ROOT),
               ACTIONS_TOKEN=ACTIONS_TOKEN, CORS_ORIGINS=" ".join(CORS_ORIGINS))
    return env


def test_config() -> Path:
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text())
    for part in config["pipeline"] + config["policies"]:
        if part["name"] in TEST_EPOCHS:
            part["epochs"] = TEST_EPOCHS[part["name"]]
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "config.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def train_test_model() -> Path:
    """Train once; Rasa's fingerprint skips it when data and config are unchanged."""
    out = CACHE / "models"
    cmd = [sys.executable, "-m", "bot", "train", "--domain", "bot/domain", "--data", "data",
           "--config", str(test_config()), "--out", str(out), "--fixed-model-name", "assistant"]
    log = CACHE / "train.log"
    with log.open("w") as handle:
        result = subprocess.run(cmd, cwd=ROOT, env=base_env(), stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise RuntimeError(f"training failed, see {log}:\n{log.read_text()[-3000:]}")
    return out / "assistant.tar.gz"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    cmd: List[str] = field(default_factory=list)
    env: Dict[str, str] = field(default_factory=dict)
    health: str = ""  # the URL that answers once it is up
    ready: Optional[Callable[[requests.Response], bool]] = None  # ...with this answer

    def signal(self, number: int) -> None:
        """SIGKILL, SIGSTOP, SIGCONT... to this process (which the test started)."""
        self.popen.send_signal(number)
        if number == signal.SIGKILL:
            self.popen.wait(timeout=15)

    def respawn(self, timeout: float = 240) -> None:
        """Start it again, same command, ports and files (killed first if it still runs)."""
        if self.popen.poll() is None:
            self.signal(signal.SIGKILL)
        handle = self.log.open("a")
        self.popen = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=handle, stderr=subprocess.STDOUT)
        wait_until_up(self, self.health, timeout, self.ready)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=15)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def start(name: str, cmd: List[str], workdir: Path, env: Dict[str, str]) -> Process:
    log = workdir / f"{name}.log"
    handle = log.open("w")
    popen = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    return Process(name, popen, log, cmd, env)


def wait_until_up(process: Process, url: str, timeout: float = 240, ready: Optional[callable] = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited with {process.popen.returncode}:\n{process.tail()}")
        try:
            response = requests.get(url, timeout=2)
            if response.ok and (ready is None or ready(response)):
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{process.name} did not come up at {url} in {timeout:.0f} s:\n{process.tail()}")


@dataclass
class Servers:
    workdir: Path
    model: Path
    with_actions: bool = True
    with_handoff: bool = True  # the handoff service (needs the action server)
    env: Dict[str, str] = field(default_factory=dict)  # on top of base_env() for every process
    agent_on_duty: bool = True  # the demo agent is logged in when the service starts
    credentials: Dict[str, dict] = field(default_factory=dict)  # channels on top of bot/credentials.yml
    endpoints: Dict[str, dict] = field(default_factory=dict)  # replaces the embedded defaults (scale-out)
    actions_url: Optional[str] = None  # reuse a running action server instead of starting one
    rasa_url: str = ""
    handoff_url: str = ""
    handoff_port: int = 0
    processes: List[Process] = field(default_factory=list)

    def start(self) -> Servers:
        rasa_port, actions_port = free_port(), free_port()
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        start_actions = self.with_actions and self.actions_url is None
        if start_actions:
            self.actions_url = f"http://127.0.0.1:{actions_port}"
        env = {**base_env(), "SHOP_DATA_DIR": str(self.workdir / "data"), **self.env}
        if start_actions and self.with_handoff:
            self.start_handoff(env)
        credentials = self.workdir / f"credentials-{rasa_port}.yml"
        channels = yaml.safe_load((ROOT / "bot" / "credentials.yml").read_text())
        credentials.write_text(yaml.safe_dump({**channels, **self.credentials}))
        endpoints = self.workdir / f"endpoints-{rasa_port}.yml"
        endpoints.write_text(yaml.safe_dump({
            "action_endpoint": {"url": f"{self.actions_url}/webhook",
                                "headers": {"Authorization": "Bearer ${ACTIONS_TOKEN}"}},
            "tracker_store": {"type": "bot.tracker_store.LeanSQLTrackerStore", "dialect": "sqlite", "db": str(self.workdir / "tracker.db")},
            **({"event_broker": {"type": "handoff.broker.HandoffEventBroker", "url": self.handoff_url}}
               if self.handoff_url else {}),
            **self.endpoints,
        }))
        if start_actions:
            actions = start("actions", [sys.executable, "-m", "actions", "serve"], self.workdir,
                            {**env, "ACTIONS_PORT": str(actions_port)})
            self.processes.append(actions)
        rasa = start(f"rasa-{rasa_port}", [sys.executable, "-m", "bot", "run", "--enable-api", "--auth-token", TOKEN, "--jwt-secret", JWT_SECRET, "--cors", *CORS_ORIGINS,
                              "-i", "127.0.0.1", "--port", str(rasa_port), "--model", str(self.model),
                              "--credentials", str(credentials), "--endpoints", str(endpoints)],
                     self.workdir, env)
        self.processes.append(rasa)
        rasa.health = f"{self.rasa_url}/status?token={TOKEN}"
        if start_actions:
            actions.health = f"{self.actions_url}/health"
            wait_until_up(actions, actions.health)
        rasa.ready = lambda r: bool(r.json().get("model_file"))
        wait_until_up(rasa, rasa.health, ready=rasa.ready)
        return self

    def start_handoff(self, env: Dict[str, str], port: Optional[int] = None) -> None:
        """The handoff service; again on the same port (and database) to restart it."""
        port = port or free_port()
        self.handoff_port, self.handoff_url = port, f"http://127.0.0.1:{port}"
        service_env = {**env, "HANDOFF_PORT": str(port), "HOST": "127.0.0.1", "RASA_URL": self.rasa_url,
                       "RASA_TOKEN": TOKEN, "RASA_JWT_SECRET": JWT_SECRET, "HANDOFF_AGENT_TOKEN": AGENT_TOKEN, "HANDOFF_SERVICE_TOKEN": SERVICE_TOKEN,
                       "HANDOFF_AGENT_IDLE": "86400",
                       # the desk's figures read this run's tracker store (a PostgreSQL one: set it in env)
                       **({} if "tracker_store" in self.endpoints
                          else {"HANDOFF_TRACKER_DB_URL": f"sqlite:///{self.workdir / 'tracker.db'}"}),
                       **self.env}
        service = start("handoff", [sys.executable, "-m", "handoff", "serve"], self.workdir, service_env)
        service.health = f"{self.handoff_url}/health"
        self.processes.append(service)
        wait_until_up(service, service.health)
        if self.agent_on_duty:  # as an agent's open console does
            requests.get(f"{self.handoff_url}/api/me", headers={"Authorization": f"Bearer {AGENT_TOKEN}"},
                         timeout=10).raise_for_status()
        env.update(HANDOFF_URL=self.handoff_url, HANDOFF_SERVICE_TOKEN=SERVICE_TOKEN)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.popen.poll() is None:
                process.signal(signal.SIGCONT)  # a test may have left it frozen
            process.stop()

    def process(self, name: str) -> Process:
        """The running process named `name` ("rasa", "actions", "handoff"), to kill, freeze or respawn."""
        return next(p for p in reversed(self.processes) if p.name.split("-")[0] == name)

    def say(self, sender: str, text: str) -> List[dict]:
        response = requests.post(f"{self.rasa_url}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": text}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
        response.raise_for_status()
        return response.json()
