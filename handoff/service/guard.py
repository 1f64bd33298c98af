"""What every request and answer of the service passes through, in one place:

- throttling and lockout (handoff.service.throttle): 429 with Retry-After;
- the agent websocket refuses browsers of another origin (the console's own origin and
  HANDOFF_ORIGINS are allowed; clients that send no Origin are not browsers);
- security headers on every answer: a Content-Security-Policy that allows the console's
  own files only, no framing, no content sniffing, no referrer, and no caching of API
  answers."""
from __future__ import annotations

from typing import Optional, Tuple

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from handoff.service import auth
from handoff.service.throttle import Throttle

SERVICE_PATHS = ("/api/handoffs", "/api/events", "/api/ratings")
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def door(path: str) -> Optional[str]:
    """Which door a path belongs to, for lockouts; None: not throttled (health, console files)."""
    if path in SERVICE_PATHS:
        return "service"
    if path.startswith("/connectors/"):
        return "connector"
    if path.startswith("/api/"):
        return "agent"
    return None


def address(request: Request) -> str:
    return request.remote_addr or request.ip or "unknown"


def origin_allowed(request: Request, allowed: Tuple[str, ...]) -> bool:
    """No Origin (not a browser), the service's own origin, or one of HANDOFF_ORIGINS."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    own = {f"{scheme}://{request.host}" for scheme in ("http", "https")}
    return origin.rstrip("/") in own or origin.rstrip("/") in allowed


def too_many(seconds: int, what: str) -> HTTPResponse:
    return response.json({"error": f"{what}; try again in {seconds} s"}, status=429,
                         headers={"Retry-After": str(seconds)})


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def _caller(request: Request) -> str:
    """A known agent by name (wherever they are), anyone else by address."""
    agent = auth.known(request.app, _bearer(request)) if _bearer(request) else None
    return f"agent {agent.name}" if agent is not None else f"address {address(request)}"


def install(app: Sanic) -> None:
    throttle: Throttle = app.ctx.throttle
    origins = app.ctx.settings.origins

    @app.on_request
    async def limit(request: Request) -> Optional[HTTPResponse]:
        where = door(request.path)
        if where is None:
            return None
        if request.path == "/api/ws" and not origin_allowed(request, origins):
            return response.json({"error": "this origin may not open the agent console's websocket; add it to "
                                  "HANDOFF_ORIGINS"}, status=403)
        locked = throttle.locked(where, address(request))
        if locked is not None:
            return too_many(locked, "too many failed logins from this address")
        if where == "agent" and _bearer(request):  # the slow hash off the event loop, before the route
            await auth.resolve(request.app, _bearer(request))
        if where != "service":  # the action server and Rasa's broker are not counted: they carry every chat
            wait = throttle.request(_caller(request))
            if wait is not None:
                return too_many(wait, "too many requests")
        return None

    @app.on_response
    async def answer_headers(request: Request, answer: HTTPResponse) -> None:
        where = door(request.path)
        if answer.status == 401 and where is not None:
            throttle.failed(where, address(request))
            if where != "service":  # an agent's or a desk's token refused (the path may carry a secret: not kept)
                await request.app.ctx.audit.record("unknown", "login_failed", where, {"method": request.method},
                                                   address(request))
        for name, value in HEADERS.items():
            answer.headers.setdefault(name, value)
        if where is not None:
            answer.headers.setdefault("Cache-Control", "no-store")
