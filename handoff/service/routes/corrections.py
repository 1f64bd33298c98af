"""Corrections: agents and supervisors mark a bot turn; supervisors approve or reject
(an agent gets 403). Each step is one function of handoff.corrections.actions."""
from __future__ import annotations

from typing import Any, Dict, List

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.corrections import actions
from handoff.corrections.store import APPROVED, PENDING, REJECTED
from handoff.context import redact
from handoff.errors import BadRequest, Forbidden, RasaUnavailable
from handoff.qa.parts import QAParts
from handoff.qa.view import build
from handoff.service import auth, inputs
from handoff.service.settings import Agent

STATUSES = (PENDING, APPROVED, REJECTED)


async def _lines(request: Request, conversation_id: str) -> List[Dict[str, Any]]:
    """The conversation line by line as Rasa has it now (redacted), or as reviewed when Rasa cannot say."""
    try:
        tracker = await request.app.ctx.rasa.tracker(conversation_id)
    except RasaUnavailable:
        record = await request.app.ctx.qa.results.get(conversation_id)
        if record is None:
            raise
        return record.lines
    return [{**line.as_dict(), "text": redact(line.text)}
            for line in build(conversation_id, tracker.get("events") or []).lines]


def _supervisor(agent: Agent, what: str) -> None:
    if not agent.supervisor:
        raise Forbidden(f"only a supervisor may {what} a correction")


def blueprint() -> Blueprint:
    bp = Blueprint("corrections")

    @bp.post("/api/corrections")
    async def create(request: Request) -> HTTPResponse:
        agent = auth.agent(request)
        body = inputs.valid(request, "correction")
        parts: QAParts = request.app.ctx.qa
        correction = await actions.create_correction(
            parts.corrections, parts.catalogue, await _lines(request, body["conversation_id"]), agent.name,
            body["conversation_id"], body["turn"], body["kind"], body.get("expected"), body.get("note", ""),
            getattr(request.app.ctx, "audit", None), "api")
        return response.json({"id": correction.id, "correction": correction.as_dict()}, status=201)

    @bp.get("/api/corrections")
    async def list_corrections(request: Request) -> HTTPResponse:
        agent = auth.agent(request)
        given = inputs.query(request, "status")
        wanted = tuple(given.split(",")) if given is not None else STATUSES
        if set(wanted) - set(STATUSES):
            raise BadRequest(f"unknown status in '{given[:60]}'; use {', '.join(STATUSES)}")
        found = await request.app.ctx.qa.corrections.list(
            wanted, None if agent.supervisor else agent.name, inputs.query(request, "conversation_id") or None)
        return response.json({"corrections": [c.as_dict() for c in found]})

    @bp.post("/api/corrections/<correction_id>/approve")
    async def approve(request: Request, correction_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        body = inputs.valid(request, "decision")
        _supervisor(agent, "approve")
        decided = await actions.approve_correction(request.app.ctx.qa.corrections, correction_id, agent.name,
                                                   body.get("note", ""), getattr(request.app.ctx, "audit", None))
        return response.json({"correction": decided.as_dict()})

    @bp.post("/api/corrections/<correction_id>/reject")
    async def reject(request: Request, correction_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        body = inputs.valid(request, "decision")
        _supervisor(agent, "reject")
        decided = await actions.reject_correction(request.app.ctx.qa.corrections, correction_id, agent.name,
                                                  body.get("note", ""), getattr(request.app.ctx, "audit", None))
        return response.json({"correction": decided.as_dict()})

    return bp
