"""``python -m bot.webpage``: serves the customer demo page (``web/``) and
``/config.js``, which tells the page where Rasa is, so the widget follows the
``RASA_PORT`` the rest of the system runs on.

    HOST, WEB_PORT      where the page is served (127.0.0.1, 8080)
    RASA_PORT           the Rasa server, on the host the browser loaded the page from
    RASA_PUBLIC_URL     or a full URL, when browsers reach Rasa elsewhere (a proxy)

``?rasa=http://host:port`` on the page's URL still wins over both.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


@dataclass(frozen=True)
class PageSettings:
    host: str
    port: int
    rasa_port: int
    rasa_public_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PageSettings:
        values = {key: env.get(key, default).strip() for key, default in
                  (("WEB_PORT", "8080"), ("RASA_PORT", "5005"))}
        for key, value in values.items():
            if not value.isdigit() or not 0 < int(value) < 65536:
                raise ValueError(f"{key} is '{value}'; it must be a port number from 1 to 65535")
        return cls(env.get("HOST", "127.0.0.1").strip() or "127.0.0.1", int(values["WEB_PORT"]),
                   int(values["RASA_PORT"]), env.get("RASA_PUBLIC_URL", "").strip().rstrip("/"))

    def page_config(self) -> Dict[str, Any]:
        return {"rasaUrl": self.rasa_public_url, "rasaPort": self.rasa_port}


class DemoPageHandler(SimpleHTTPRequestHandler):
    """The files of web/, plus /config.js generated from the settings."""

    def __init__(self, *args: Any, settings: PageSettings, **kwargs: Any) -> None:
        self.settings = settings
        super().__init__(*args, directory=str(WEB_DIR), **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?", 1)[0] != "/config.js":
            super().do_GET()
            return
        body = f"window.SHOP_DEMO = {json.dumps(self.settings.page_config())};\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def create_server(settings: PageSettings) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((settings.host, settings.port), partial(DemoPageHandler, settings=settings))


def main(env: Optional[Mapping[str, str]] = None) -> int:
    try:
        settings = PageSettings.from_env(os.environ if env is None else env)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    server = create_server(settings)
    print(f"Serving the demo page on http://{settings.host}:{settings.port}/ (config: /config.js)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
