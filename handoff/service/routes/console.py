"""The agent console (static files), its live websocket, health and the OpenAPI spec."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.service import auth, guard
from handoff.service.hub import Hub
from handoff.service.openapi import spec

CONSOLE = Path(__file__).resolve().parent.parent / "console"
AUTH_SECONDS = 10  # a websocket that does not say who it is within this time is closed


def blueprint() -> Blueprint:
    bp = Blueprint("console")

    @bp.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    bp.static("/console", str(CONSOLE))

    @bp.get("/")
    async def index(request: Request) -> HTTPResponse:
        return response.redirect("/console/index.html")

    @bp.get("/openapi.json")
    async def openapi(request: Request) -> HTTPResponse:
        return response.json(spec())

    @bp.websocket("/api/ws")
    async def live(request: Request, ws: Any) -> None:
        """Pushes {"type": "session" | "message", ...} to a logged-in agent. The token is the first
        message, {"type": "auth", "token": "..."}, never in the URL (which proxies and logs keep)."""
        token = await _token(ws)
        agent = auth.agent_with(request.app, token) if await auth.resolve(request.app, token) else None
        if agent is None:
            request.app.ctx.throttle.failed("agent", guard.address(request))
            await request.app.ctx.audit.record("unknown", "login_failed", "console", {"via": "websocket"},
                                               guard.address(request))
            await ws.close(code=4401, reason="unknown token")
            return
        await request.app.ctx.audit.record(agent.name, "login", "console", {"via": "websocket"},
                                           guard.address(request))
        hub: Hub = request.app.ctx.hub
        hub.join(ws, agent)
        try:
            await ws.send(json.dumps({"type": "hello", "agent": agent.name}))
            while True:  # the agent's side only keeps it open; presence counts while connected
                if await ws.recv() is None:
                    break
                request.app.ctx.duty.saw(agent.name)
        finally:
            hub.leave(ws)

    return bp


async def _token(ws: Any) -> str:
    try:
        first = await asyncio.wait_for(ws.recv(), AUTH_SECONDS)
        frame = json.loads(first) if isinstance(first, str) and len(first) < 4096 else {}
    except (asyncio.TimeoutError, ValueError):
        return ""
    token = frame.get("token") if isinstance(frame, dict) and frame.get("type") == "auth" else None
    return token if isinstance(token, str) else ""
