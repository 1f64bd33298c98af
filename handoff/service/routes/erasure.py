"""A supervisor confirms a customer's request to erase their data: the chat is closed
(the customer is told) and the conversation is erased from every store."""
from __future__ import annotations

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.service import auth, guard, inputs
from handoff.service.desk import end
from handoff.service.erasure import erase_conversation
from handoff.service.store import OPEN, SessionStore


def blueprint() -> Blueprint:
    bp = Blueprint("erasure")

    @bp.post("/api/sessions/<session_id>/erase")
    async def erase(request: Request, session_id: str) -> HTTPResponse:
        agent = auth.supervisor(request)
        inputs.valid(request, "erase")
        store: SessionStore = request.app.ctx.store
        session = await store.get(session_id)
        if session.status in OPEN:
            await end(request.app, session, False, agent.name, guard.address(request))
        erased = await erase_conversation(request.app, session, agent.name, guard.address(request))
        return response.json({"erased": erased})

    return bp
