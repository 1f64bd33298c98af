"""Who is calling: agents by their bearer token (checked against salted, slow hashes once,
then cached in memory for as long as the agents file is unchanged), the action server
and the event broker by the service token. Every check raises Unauthorized or Forbidden (handoff.errors),
which the app maps to a JSON answer in one place."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
from typing import Dict, Optional, Tuple

from sanic import Request, Sanic

from handoff.errors import Forbidden, Unauthorized
from handoff.service import tokens
from handoff.service.settings import Agent
from handoff.service.store import Session

MAX_CACHED = 4096  # tokens remembered (known or refused) per agents file


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
    """The agent whose token this is (and who is thereby present), or None. From the cache that
    `resolve` fills before every agent request; computed here only when it was not."""
    hit, found = _cached(app, token)
    if not hit:
        found = _match(app.ctx.settings.agents, token)
        _remember(app, token, found)
    if found is not None:
        app.ctx.duty.saw(found.name)
    return found


async def resolve(app: Sanic, token: str) -> Optional[Agent]:
    """Who a token belongs to, checked against the slow hashes in a worker thread (once per token
    and agents file: the answer is cached by the token's SHA-256 in memory, never stored)."""
    hit, found = _cached(app, token)
    if hit:
        return found
    agents = app.ctx.settings.agents
    found = await asyncio.get_running_loop().run_in_executor(None, _match, agents, token)
    _remember(app, token, found)
    return found


def known(app: Sanic, token: str) -> Optional[Agent]:
    """The agent of a token already checked, without checking it now."""
    return _cached(app, token)[1]


def _match(agents: Tuple[Agent, ...], token: str) -> Optional[Agent]:
    return next((a for a in agents if token and tokens.check(token, a.token_hash)), None)


def _cache(app: Sanic) -> Dict[str, Optional[str]]:
    """Token digest -> agent name (None: refused), valid for the current agents only."""
    roster = app.ctx.settings.agents
    held = getattr(app.ctx, "token_cache", None)
    if held is None or held[0] is not roster:
        held = (roster, {})
        app.ctx.token_cache = held
    return held[1]


def _cached(app: Sanic, token: str) -> Tuple[bool, Optional[Agent]]:
    cache = _cache(app)
    key = hashlib.sha256(token.encode()).hexdigest()
    if key not in cache:
        return False, None
    name = cache[key]
    return True, next((a for a in app.ctx.settings.agents if a.name == name), None) if name else None


def _remember(app: Sanic, token: str, found: Optional[Agent]) -> None:
    cache = _cache(app)
    if len(cache) >= MAX_CACHED:
        cache.clear()
    cache[hashlib.sha256(token.encode()).hexdigest()] = found.name if found else None


def service(request: Request) -> None:
    expected = request.app.ctx.settings.service_token
    if not expected or not hmac.compare_digest(bearer(request), expected):
        raise Unauthorized("unknown service token: set the same HANDOFF_SERVICE_TOKEN on the action server")


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise Unauthorized("missing token: send 'Authorization: Bearer <token>'")
    return header[7:].strip()


def owned(session: Session, by: Agent, supervisors: bool = True) -> None:
    """The session is the agent's (or, with `supervisors`, the agent supervises)."""
    if session.agent != by.name and not (supervisors and by.supervisor):
        raise Forbidden(f"session '{session.id}' belongs to {session.agent or 'nobody yet'}: accept it first")
