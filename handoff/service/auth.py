"""Who is calling: agents by their bearer token, the action server and the event broker
by the service token. Every check raises Unauthorized or Forbidden (handoff.errors),
which the app maps to a JSON answer in one place."""
from __future__ import annotations

import hmac
from typing import Optional

from sanic import Request, Sanic

from handoff.errors import Forbidden, Unauthorized
from handoff.service.settings import Agent, token_hash
from handoff.service.store import Session


def agent(request: Request) -> Agent:
    found = agent_with(request.app, bearer(request))
    if found is None:
        raise Unauthorized("unknown token: log in with the token your administrator gave you")
    return found


def supervisor(request: Request) -> Agent:
    """The calling agent, who must be a supervisor (or an admin)."""
    found = agent(request)
    if not found.supervisor:
        raise Forbidden(f"{found.name} is not a supervisor: ask one, or an admin, for this")
    return found


def agent_with(app: Sanic, token: str) -> Optional[Agent]:
    """The agent whose token this is (and who is thereby present), or None."""
    digest = token_hash(token)
    found = next((a for a in app.ctx.settings.agents if hmac.compare_digest(a.token_sha256, digest)), None)
    if found is not None:
        app.ctx.duty.saw(found.name)
    return found


def service(request: Request) -> None:
    expected = request.app.ctx.settings.service_token
    if not expected or not hmac.compare_digest(bearer(request), expected):
        raise Unauthorized("unknown service token: set the same HANDOFF_SERVICE_TOKEN on the action server")


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise Unauthorized("missing token: send 'Authorization: Bearer <token>'")
    return header[7:].strip()


def owned(session: Session, by: Agent) -> None:
    if session.agent != by.name and not by.supervisor:
        raise Forbidden(f"session '{session.id}' belongs to {session.agent or 'nobody yet'}: accept it first")
