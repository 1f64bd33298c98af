"""The action server: rasa-sdk's own sanic app (``rasa_sdk.endpoint.create_app``)
behind a shared secret, on 127.0.0.1 unless told otherwise.

Every call except ``GET /health`` must carry ``Authorization: Bearer <ACTIONS_TOKEN>``;
Rasa sends it from the ``headers`` of ``action_endpoint`` in endpoints.yml. Without a
token the server refuses to start, so it is never open by accident. Errors are JSON
that names no internals (rasa-sdk's own handler would echo the request body)."""
from __future__ import annotations

import hmac
import logging
import os
from dataclasses import dataclass
from typing import Mapping, Optional

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from actions.errors import SettingsError

logger = logging.getLogger(__name__)
OPEN_PATHS = ("/health",)


@dataclass(frozen=True)
class ServerSettings:
    token: str
    host: str = "127.0.0.1"
    port: int = 5055
    max_body_bytes: int = 20_000_000  # a long conversation's tracker, not more

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> ServerSettings:
        env = os.environ if env is None else env
        token = env.get("ACTIONS_TOKEN", "").strip()
        if not token:
            raise SettingsError("environment", "ACTIONS_TOKEN", "is not set; give the action server a secret (the "
                                "same value Rasa sends from endpoints.yml), e.g. ACTIONS_TOKEN=$(openssl rand -hex 24)")
        if token in (env.get("RASA_TOKEN"), env.get("HANDOFF_SERVICE_TOKEN")):
            raise SettingsError("environment", "ACTIONS_TOKEN", "must differ from RASA_TOKEN and "
                                "HANDOFF_SERVICE_TOKEN: each secret opens one door")
        try:
            port = int(env.get("ACTIONS_PORT", "5055"))
            max_body = int(env.get("ACTIONS_MAX_BODY_BYTES", "20000000"))
        except ValueError as exc:
            raise SettingsError("environment", "ACTIONS_PORT", f"must be a whole number ({exc})") from exc
        host = env.get("ACTIONS_HOST") or env.get("SANIC_HOST") or "127.0.0.1"
        return cls(token=token, host=host, port=port, max_body_bytes=max_body)


def authorized(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def create_app(settings: ServerSettings, package: str = "actions") -> Sanic:
    from rasa_sdk.endpoint import create_app as sdk_app

    app = sdk_app(package, cors_origins=[])  # Rasa calls it server to server: no browser needs CORS
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes
    app.config.FALLBACK_ERROR_FORMAT = "json"

    @app.on_request
    async def check_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS or authorized(request.headers.get("authorization", ""), settings.token):
            return None
        return response.json({"error": "unknown or missing token: Rasa sends 'Authorization: Bearer "
                              "<ACTIONS_TOKEN>' from the headers of action_endpoint in endpoints.yml"}, status=401)

    @app.exception(Exception)
    async def failed(request: Request, exc: Exception) -> HTTPResponse:
        status = getattr(exc, "status_code", 500) or 500
        if status >= 500:
            logger.error("%s %s failed", request.method, request.path, exc_info=exc)
            return response.json({"error": "the action failed; see the action server's log"}, status=500)
        return response.json({"error": str(exc)}, status=status)

    return app


def serve(env: Optional[Mapping[str, str]] = None) -> None:
    settings = ServerSettings.from_env(env)
    logger.info("Action server on http://%s:%s", settings.host, settings.port)
    create_app(settings).run(settings.host, settings.port, access_log=False)
