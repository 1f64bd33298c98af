"""Small local HTTP servers for tests (a messaging platform, a helpdesk, a Chatwoot
stand-in, the demo page), each on a free port of 127.0.0.1 in a thread of the test."""
from __future__ import annotations

import http.server
import threading
from contextlib import contextmanager
from typing import Any, Iterator, TypeVar

S = TypeVar("S", bound=http.server.HTTPServer)


class QuietHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def serving(server: S) -> Iterator[S]:
    """Serve until the block ends, then shut down and close the socket."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
