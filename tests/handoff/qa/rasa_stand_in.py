"""A Rasa stand-in for the handoff service in tests: trackers from a dict the test fills,
a canned /model/parse, and every other call accepted."""
from __future__ import annotations

import hashlib
import http.server
import json
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator
from urllib.parse import unquote, urlparse

import yaml

from tests.local_http import QuietHandler, serving
from tests.servers import AGENT_TOKEN, SERVICE_TOKEN, base_env, free_port, start, wait_until_up

AGENTS = {"ann": "ann-token", "bob": "bob-token"}  # agents, not supervisors (the demo agent is one)

TRACKERS: Dict[str, Dict[str, Any]] = {}
PARSE: Dict[str, Any] = {}


class RasaStandIn(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlparse(self.path).path
        if path == "/model/parse":
            return self._answer(PARSE)
        if path.endswith("/tracker/events"):  # a resume: the conversation is the bot's again
            TRACKERS.get(unquote(path.split("/")[2]), {})["paused"] = False
        self._answer({})

    def do_GET(self) -> None:  # noqa: N802
        parts = urlparse(self.path).path.split("/")
        sender = unquote(parts[2]) if len(parts) > 3 and parts[1] == "conversations" else ""
        self._answer(TRACKERS.get(sender, {"sender_id": sender, "events": [], "paused": False}))

    def _answer(self, data: Any) -> None:
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def server() -> http.server.ThreadingHTTPServer:
    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), RasaStandIn)


@contextmanager
def service(workdir: Path) -> Iterator[Dict[str, Any]]:
    """The real handoff service against this stand-in, with the demo supervisor and AGENTS; the
    review job runs every 0.2 s and a conversation is idle after 1 s."""
    agents = workdir / "agents.yml"
    agents.write_text(yaml.safe_dump([{"name": n, "token_sha256": hashlib.sha256(t.encode()).hexdigest()}
                                      for n, t in AGENTS.items()]))
    with serving(server()) as rasa:
        port = free_port()
        env = {**base_env(), "HANDOFF_PORT": str(port), "HOST": "127.0.0.1", "SHOP_DATA_DIR": str(workdir),
               "RASA_URL": f"http://127.0.0.1:{rasa.server_address[1]}", "RASA_TOKEN": "rasa-token",
               "HANDOFF_AGENT_TOKEN": AGENT_TOKEN, "HANDOFF_SERVICE_TOKEN": SERVICE_TOKEN,
               "HANDOFF_AGENTS": str(agents), "HANDOFF_QA_EVERY": "0.2", "HANDOFF_QA_IDLE": "1",
               "HANDOFF_AGENT_IDLE": "86400"}
        process = start("handoff-qa", [sys.executable, "-m", "handoff", "serve"], workdir, env)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(process, f"{url}/health")
            yield {"url": url, "workdir": workdir, "env": env}
        finally:
            process.stop()
