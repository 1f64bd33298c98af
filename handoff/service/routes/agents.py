"""The agents, for admins: who may log in, with which role, skills and capacity, and whose
token is still an unsalted legacy hash to rotate. Agents are managed in the agents file
(HANDOFF_AGENTS), which the service reads again when it changes; no hash is ever shown."""
from __future__ import annotations

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.errors import Forbidden
from handoff.service import auth, tokens


def blueprint() -> Blueprint:
    bp = Blueprint("agents")

    @bp.get("/api/agents")
    async def agents(request: Request) -> HTTPResponse:
        agent = auth.agent(request)
        if agent.role != "admin":
            raise Forbidden(f"{agent.name} is not an admin: agents are managed by admins")
        return response.json({"agents": [
            {"name": a.name, "role": a.role, "skills": list(a.skills), "capacity": a.capacity,
             "display_name": a.shown_as, "legacy_token": tokens.legacy(a.token_hash)}
            for a in request.app.ctx.settings.agents]})

    return bp
