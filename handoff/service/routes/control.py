"""Steering the desk: the kill switch (``GET``/``PUT /api/kill-switch``, changes by
supervisors) and the desk's state as the Rasa side polls it (``GET /api/desk-state``:
which skills have the bot off, and how busy the desk is)."""
from __future__ import annotations

import hmac
from datetime import datetime, timezone
from typing import Any, Optional, Tuple

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.control.kill_switch import KillSwitch
from handoff.control.load_rules import BUSY_RULE, DeskLoad, desk_load, instead_of_queue
from handoff.errors import Forbidden
from handoff.service import auth, inputs
from handoff.service.store import QUEUED, Session


async def current_load(app: Any, leave_out: str = "") -> DeskLoad:
    """How busy the desk is now; `leave_out`: a session not to count as waiting (the one arriving)."""
    now = datetime.now(timezone.utc)
    on_duty = await app.ctx.duty.off_duty_reason(now) is None
    present = await app.ctx.duty.present(now)
    capacity = {a.name: a.capacity for a in app.ctx.settings.agents}
    places = [(capacity.get(name, 3), await app.ctx.store.open_count(name)) for name in present]
    waiting = sum(1 for s in await app.ctx.store.list((QUEUED,)) if s.customer_waiting and s.id != leave_out)
    return desk_load(on_duty, places, waiting, app.ctx.settings.wait_per_session_seconds,
                     app.ctx.handoff_config.desk.load)


async def busy_rule(app: Any, session: Session) -> Tuple[Session, Optional[str], Optional[str]]:
    """The busy rule for a transfer that just arrived: (the session, "callback" | "message" | None,
    why, in words for the customer). Taken out of the queue, it stays there as a message."""
    load = await current_load(app, leave_out=session.id)
    instead = instead_of_queue(session.priority, load, app.ctx.handoff_config.desk.load)
    if instead is None:
        return session, None, None
    session = await app.ctx.store.leave_as_message(session.id)
    await app.ctx.store.add_message(session.id, "system", f"load rule: {instead} instead of a place in the queue, "
                                    f"because {load.why}")
    await app.ctx.rule_log.record(BUSY_RULE, session.skill, session.conversation_id, f"{instead}: {load.why}")
    app.ctx.exposition.rules.labels(BUSY_RULE).inc()
    return session, instead, load.why


def _service_or_agent(request: Request) -> str:
    """The caller: "rasa" for the service token (the Rasa side), else the agent's name."""
    expected = request.app.ctx.settings.service_token
    if expected and hmac.compare_digest(auth.bearer(request), expected):
        return "rasa"
    return auth.agent(request).name


def blueprint() -> Blueprint:
    bp = Blueprint("control")

    @bp.get("/api/kill-switch")
    async def switches(request: Request) -> HTTPResponse:
        """Every switch that was ever set (on or off); a skill not listed has the bot on."""
        _service_or_agent(request)
        found = await request.app.ctx.kill_switch.all()
        return response.json({"switches": [s.as_dict() for s in found],
                              "off": sorted(s.skill for s in found if s.enabled)})

    @bp.put("/api/kill-switch")
    async def change(request: Request) -> HTTPResponse:
        """Switch the bot off (enabled: true) or back on for a skill or "*" (supervisors)."""
        agent = auth.agent(request)
        if not agent.supervisor:
            raise Forbidden(f"{agent.name} is not a supervisor: only supervisors switch the bot off or on")
        body = inputs.valid(request, "kill_switch")
        switch: KillSwitch = request.app.ctx.kill_switch
        changed = await switch.set(body["skill"], body["enabled"], body["reason"].strip(), agent.name)
        return response.json({"switch": changed.as_dict()})

    @bp.get("/api/desk-state")
    async def desk_state(request: Request) -> HTTPResponse:
        """What the handoff policy needs: the skills with the bot off, and the desk's load."""
        _service_or_agent(request)
        found = await request.app.ctx.kill_switch.all()
        return response.json({"off": {s.skill: s.reason for s in found if s.enabled},
                              "load": (await current_load(request.app)).as_dict()})

    return bp
