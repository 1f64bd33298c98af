"""Agent assist: while an agent chats, what the bot would answer the customer's last
message (handoff.qa.assist)."""
from __future__ import annotations

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.qa.assist import suggestions
from handoff.service import auth


def blueprint() -> Blueprint:
    bp = Blueprint("assist")

    @bp.get("/api/sessions/<session_id>/assist")
    async def assist(request: Request, session_id: str) -> HTTPResponse:
        auth.agent(request)
        session = await request.app.ctx.store.get(session_id)
        messages = await request.app.ctx.store.messages(session_id)
        found = await suggestions(request.app.ctx.rasa, request.app.ctx.qa.catalogue, session, messages)
        return response.json(found.as_dict())

    return bp
