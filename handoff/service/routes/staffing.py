"""``GET /api/staffing?week=&skill=`` (supervisors): the agents needed per hour of a week
by Erlang C from the weeks before it, and what happened in it."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.errors import Forbidden
from handoff.insights.desk_side import read_sessions
from handoff.insights.staffing import forecast, week_start
from handoff.service import auth, inputs
from handoff.service.routes.metrics import moment


def blueprint() -> Blueprint:
    bp = Blueprint("staffing")

    @bp.get("/api/staffing")
    async def staffing(request: Request) -> HTTPResponse:
        agent = auth.agent(request)
        if not agent.supervisor:
            raise Forbidden(f"{agent.name} is not a supervisor: the staffing forecast is for supervisors")
        start = week_start(moment(request, "week") or datetime.now(timezone.utc))
        config = request.app.ctx.handoff_config.desk
        skill = inputs.query(request, "skill") or None
        engine = request.app.ctx.store.engine
        loop = asyncio.get_running_loop()
        history = await loop.run_in_executor(None, read_sessions, engine,
                                             start - timedelta(weeks=config.staffing.weeks), start, skill)
        week = await loop.run_in_executor(None, read_sessions, engine, start, start + timedelta(weeks=1), skill)
        return response.json({"skill": skill, **forecast(history, week, start, config.staffing,
                                                          config.costs.human_minutes_per_conversation * 60)})

    return bp
