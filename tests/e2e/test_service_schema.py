"""schemathesis against the handoff service's own OpenAPI document (/openapi.json):
every check (server errors, status codes, content types, headers, response schemas,
schema-violating requests rejected, valid ones accepted, authentication enforced),
a bounded number of examples per operation. The service runs for real; Rasa, which it
calls when agents write or close, is a stand-in that accepts every call."""
from __future__ import annotations

import http.server
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import requests

from tests.conftest import require
from tests.local_http import QuietHandler, serving
from tests.servers import AGENT_TOKEN, SERVICE_TOKEN, base_env, free_port, start, wait_until_up

pytestmark = pytest.mark.e2e
EXAMPLES = "20"  # per operation and phase: a couple of minutes in all


class RasaStandIn(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(b"{}")

    def do_GET(self) -> None:  # noqa: N802  a tracker, read before a step that must be done once
        self._answer(b'{"events": [], "paused": true}')

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, Path]]:
    workdir = tmp_path_factory.mktemp("schema")
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), RasaStandIn)) as rasa:
        port = free_port()
        env = {**base_env(), "HANDOFF_PORT": str(port), "HOST": "127.0.0.1", "SHOP_DATA_DIR": str(workdir),
               "RASA_URL": f"http://127.0.0.1:{rasa.server_address[1]}", "RASA_TOKEN": "rasa-token",
               "HANDOFF_AGENT_TOKEN": AGENT_TOKEN, "HANDOFF_SERVICE_TOKEN": SERVICE_TOKEN,
               # the fuzzer's own pace and its requests without a token are not an attack here
               "HANDOFF_RATE_PER_MINUTE": "1000000", "HANDOFF_LOGIN_FAILURES": "1000000"}
        process = start("handoff-schema", [sys.executable, "-m", "handoff", "serve"], workdir, env)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(process, f"{url}/health")
            yield url, workdir
        finally:
            process.stop()


def fuzz(url: str, workdir: Path, token: str, paths: str, session_id: str) -> subprocess.CompletedProcess:
    config = workdir / f"schemathesis-{token}.toml"
    config.write_text(f'[parameters]\nsession_id = "{session_id}"\n')  # a real session, not only 404s
    schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    require(schemathesis is not None, "schemathesis is not installed (pip install -e '.[test]')")
    return subprocess.run(
        [schemathesis, "--config-file", str(config), "run", f"{url}/openapi.json", "--checks", "all",
         "--max-examples", EXAMPLES, "--seed", "7", "--generation-database", "none", "--request-timeout", "20",
         "-H", f"Authorization: Bearer {token}", "--include-path-regex", paths],
        cwd=workdir, capture_output=True, text=True, timeout=600)  # its caches stay in the test folder


def open_session(url: str, conversation: str) -> str:
    reply = requests.post(f"{url}/api/handoffs", headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}, timeout=10,
                          json={"context": {"conversation_id": conversation, "reasons": [{"trigger": "explicit"}]}})
    assert reply.status_code == 201, reply.text
    return reply.json()["session"]["id"]


def test_agent_api_matches_its_schema(service: Tuple[str, Path]) -> None:
    url, workdir = service
    result = fuzz(url, workdir, AGENT_TOKEN, "^/(api/(me|metrics|sessions|kill-switch|desk-state|staffing|audit|agents)|metrics$)",
                  open_session(url, "fuzz-agent"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Server error" not in result.stdout and "generated" in result.stdout


def test_quality_loop_api_matches_its_schema(service: Tuple[str, Path]) -> None:
    url, workdir = service
    result = fuzz(url, workdir, AGENT_TOKEN, "^/api/(qa|catalogue|corrections)", open_session(url, "fuzz-qa"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Server error" not in result.stdout and "generated" in result.stdout


def test_service_routes_match_their_schema(service: Tuple[str, Path]) -> None:
    url, workdir = service
    result = fuzz(url, workdir, SERVICE_TOKEN, "^/api/(handoffs|events|ratings)$", open_session(url, "fuzz-service"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "generated" in result.stdout


def test_the_document_describes_every_route(service: Tuple[str, Path]) -> None:
    url, _ = service
    paths = requests.get(f"{url}/openapi.json", timeout=10).json()["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert "401" in operation["responses"] and "429" in operation["responses"], (method, path)
            assert operation["security"], (method, path)
            if method == "post" and not path.endswith("/accept"):  # every POST but accept takes a body
                assert operation["requestBody"]["content"]["application/json"]["schema"], path
