"""The quality review: conversations by score (worst first) with filters, one
conversation's findings and transcript, a review on demand, and the domain's intents
and FAQs (what a correction may name). Supervisors see every conversation; agents the
ones they had."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.errors import BadRequest, Forbidden, NotFound
from handoff.qa.errors import StillWithAPerson
from handoff.qa.parts import QAParts
from handoff.qa.rubric import KINDS
from handoff.qa.store import Filters, QARecord
from handoff.service import auth, inputs
from handoff.service.schemas import MAX_ID
from handoff.service.settings import Agent


def _day(value: Optional[str]) -> Optional[datetime]:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise BadRequest(f"'day' is '{value[:40]}'; give a date as YYYY-MM-DD") from exc


def _flag(value: Optional[str]) -> Optional[bool]:
    if value is None:
        return None
    if value not in ("true", "false"):
        raise BadRequest(f"'flagged' is '{value[:40]}'; use true or false")
    return value == "true"


def _conversation(value: str) -> str:
    if len(value) > MAX_ID:
        raise BadRequest(f"a conversation id has at most {MAX_ID} characters, not {len(value)}")
    return value


def may_see(agent: Agent, record: QARecord) -> None:
    if not agent.supervisor and record.agent != agent.name:
        raise Forbidden(f"conversation '{record.conversation_id}' was not yours: supervisors see every review")


def blueprint() -> Blueprint:
    bp = Blueprint("qa")

    @bp.get("/api/qa")
    async def list_reviews(request: Request) -> HTTPResponse:
        agent = auth.agent(request)
        finding = inputs.query(request, "finding")
        if finding is not None and finding not in KINDS:
            raise BadRequest(f"'finding' is '{finding[:40]}'; use one of {', '.join(KINDS)}")
        wanted = inputs.query(request, "agent")
        if not agent.supervisor and wanted not in (None, agent.name):
            raise Forbidden("agents see the reviews of their own conversations; supervisors see everyone's")
        filters = Filters(finding=finding, skill=inputs.query(request, "skill") or None,
                          agent=agent.name if not agent.supervisor else wanted or None,
                          day=_day(inputs.query(request, "day")), flagged=_flag(inputs.query(request, "flagged")),
                          limit=min(inputs.whole(inputs.query(request, "limit"), "limit", 100), 500) or 100)
        records = await request.app.ctx.qa.results.list(filters)
        return response.json({"results": [r.as_dict(with_lines=False) for r in records]})

    @bp.get("/api/qa/<conversation_id>")
    async def one(request: Request, conversation_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        record = await request.app.ctx.qa.results.get(_conversation(conversation_id))
        if record is None:
            raise NotFound(f"conversation '{conversation_id}' has not been reviewed yet: it is when its session "
                           "closes or it goes idle (a supervisor can POST /api/qa/{id}/review)")
        may_see(agent, record)
        return response.json(record.as_dict())

    @bp.post("/api/qa/<conversation_id>/review")
    async def review_now(request: Request, conversation_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        inputs.valid(request, "empty")
        if not agent.supervisor:
            raise Forbidden("only supervisors review on demand; conversations are reviewed when they end")
        parts: QAParts = request.app.ctx.qa
        record = await parts.job.review(_conversation(conversation_id))
        if record is None:
            raise StillWithAPerson(conversation_id)
        return response.json(record.as_dict())

    @bp.get("/api/catalogue")
    async def catalogue(request: Request) -> HTTPResponse:
        auth.agent(request)
        parts: QAParts = request.app.ctx.qa
        return response.json({"intents": [i for i in parts.catalogue.intents if i != "faq"],
                              "faqs": [{"key": k, "answer": parts.catalogue.answers[k]} for k in parts.catalogue.faqs],
                              "out_of_scope": "out_of_scope"})

    return bp
