"""The desk's figures: ``GET /api/metrics`` (agents; JSON or CSV) for a period and a
skill, and ``GET /metrics`` in the Prometheus text format (no token unless
HANDOFF_METRICS_TOKEN is set)."""
from __future__ import annotations

import asyncio
import hmac
from datetime import datetime, timezone
from typing import Any, Dict, Optional

import sqlalchemy as sa
from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.errors import BadRequest, Unauthorized
from handoff.insights.exposition import CONTENT_TYPE, Snapshot, snapshot_rows
from handoff.insights.report import as_csv
from handoff.service import auth, inputs
from handoff.service.metrics import desk_metrics
from handoff.service.store import CLOSED, OPEN, SENDING, sessions


def moment(request: Request, name: str) -> Optional[datetime]:
    value = inputs.query(request, name)
    try:
        return inputs.since(value)
    except BadRequest as exc:
        raise BadRequest(str(exc).replace("'since'", f"'{name}'")) from exc


async def figures(app: Any, since: Optional[datetime], until: Optional[datetime],
                  skill: Optional[str]) -> Dict[str, Any]:
    """Today's desk fields and the bot's and desk's figures together."""
    found = await app.ctx.store.list(OPEN + CLOSED, skill or None, since=since)
    found = [s for s in found if until is None or s.created_at < until]
    rules = await app.ctx.rule_log.counts(since, until, skill or None)
    extra = await app.ctx.insights.figures(since, until, skill or None, rules)
    return {"since": since.isoformat() if since else None, "until": until.isoformat() if until else None,
            "skill": skill or None, **desk_metrics(found, datetime.now(timezone.utc)), **extra}


async def snapshot(app: Any) -> Snapshot:
    engine = app.ctx.store.engine
    open_query = sa.select(sessions.c.status, sessions.c.skill, sessions.c.priority, sessions.c.created_at,
                           sessions.c.left_message_at).where(sessions.c.status.in_(list(OPEN)))
    states_query = sa.select(sessions.c.status, sa.func.count()).group_by(sessions.c.status)

    def read() -> Any:
        with engine.connect() as connection:
            return list(connection.execute(open_query)), dict(connection.execute(states_query).all())
    rows, states = await asyncio.get_running_loop().run_in_executor(None, read)
    snap = snapshot_rows([tuple(r) for r in rows], datetime.now(timezone.utc))
    snap.states = {state: int(states.get(state, 0)) for state in OPEN + CLOSED}
    snap.agents_present = len(await app.ctx.duty.present())
    snap.undelivered_agent_messages = len(await app.ctx.store.undelivered((SENDING,)))
    snap.customer_messages_on_their_way = app.ctx.backlog.total()
    switch = getattr(app.ctx, "kill_switch", None)
    if switch is not None:
        snap.kill_switch = {s.skill: s.enabled for s in await switch.all()}
    return snap


def blueprint() -> Blueprint:
    bp = Blueprint("metrics")

    @bp.get("/api/metrics")
    async def metrics(request: Request) -> HTTPResponse:
        """The desk in figures over the conversations and sessions started in [since, until), one skill or all."""
        auth.agent(request)
        since, until = moment(request, "since"), moment(request, "until")  # until <= since: an empty period
        wanted = inputs.query(request, "format") or "json"
        if wanted not in ("json", "csv"):
            raise BadRequest(f"'format' is '{wanted[:20]}'; use json or csv")
        found = await figures(request.app, since, until, inputs.query(request, "skill"))
        if wanted == "csv":
            return response.text(as_csv(found), content_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": 'attachment; filename="desk-metrics.csv"'})
        return response.json(found)

    @bp.get("/metrics")
    async def prometheus(request: Request) -> HTTPResponse:
        """Prometheus text format; with HANDOFF_METRICS_TOKEN set, only for that bearer token."""
        expected = request.app.ctx.settings.metrics_token
        if expected and not hmac.compare_digest(auth.bearer(request), expected):
            raise Unauthorized("unknown metrics token: scrape with HANDOFF_METRICS_TOKEN as the bearer token")
        body = request.app.ctx.exposition.render(await snapshot(request.app))
        return response.raw(body, content_type=CONTENT_TYPE)

    return bp
