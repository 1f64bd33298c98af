"""A Rasa stand-in for the handoff service in tests: trackers from a dict the test fills,
a canned /model/parse, and every other call accepted."""
from __future__ import annotations

import http.server
import json
from typing import Any, Dict
from urllib.parse import unquote, urlparse

from tests.local_http import QuietHandler

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
