"""What the Rasa side sends: a conversation to transfer (from the action server), a
customer's message during a handoff (from the event broker), and a rating."""
from __future__ import annotations

from datetime import datetime, timezone

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.errors import ConnectorUnavailable, SessionNotFound
from handoff.privacy.views import context_for
from handoff.service import auth, guard, inputs
from handoff.service.desk import position, relay_customer_event
from handoff.service.metrics import first_trigger
from handoff.service.routes.control import busy_rule
from handoff.service.erasure import is_erasure_request, mark_request
from handoff.service.store import ABANDONED, QUEUED, RETURNED, SessionStore


def blueprint() -> Blueprint:
    bp = Blueprint("intake")

    @bp.post("/api/handoffs")
    async def open_session(request: Request) -> HTTPResponse:
        """From the action server: a conversation to transfer, with its HandoffContext."""
        auth.service(request)
        # kept as the internal console may see it (privacy.yml), whatever the sender redacted already
        context = context_for(inputs.valid(request, "handoff")["context"], request.app.ctx.privacy.audience("console"))
        store: SessionStore = request.app.ctx.store
        session = await store.open_for(context["conversation_id"])
        created = False
        if session is None:  # the database decides: of two transfers at once, one opens the session
            session, created = await store.open_once(context["conversation_id"], context,
                                                     str(context.get("skill", "general")),
                                                     str(context.get("priority", "normal")))
        if created:
            request.app.ctx.exposition.session_opened(session)
            if first_trigger(context) == "kill_switch":
                await request.app.ctx.rule_log.record("kill_switch", session.skill, session.conversation_id,
                                                      "the bot is switched off: straight to a person")
            try:
                external = await request.app.ctx.connector.opened(session, context)
                if external:
                    await store.link(session.id, external)
            except ConnectorUnavailable:
                await store.close(session.id, ABANDONED)  # nobody will see it: the customer must hear so
                raise
            await request.app.ctx.audit.record("bot", "transfer", session.id, {
                "skill": session.skill, "priority": session.priority, "connector": request.app.ctx.connector.name(),
                "reasons": [str(r.get("trigger")) for r in context.get("reasons") or []]}, guard.address(request))
            if is_erasure_request(context):
                await mark_request(request.app, session, guard.address(request))
        off_duty = await request.app.ctx.duty.off_duty_reason(datetime.now(timezone.utc))
        instead = None
        if off_duty and session.customer_waiting:  # it stays queued as a message for when someone is back
            session = await store.leave_as_message(session.id)
            await store.add_message(session.id, "system", f"left as a message: {off_duty}")
        elif not off_duty and session.status == QUEUED and session.left_message_at is not None:
            session = await store.waiting_again(session.id)  # asked again, and this time someone is there
        why = None
        if not off_duty and session.customer_waiting:
            session, instead, why = await busy_rule(request.app, session)
        place = await position(store, session)
        wait = place * request.app.ctx.settings.wait_per_session_seconds
        answer = {"session": session.as_dict(), "position": place, "estimated_wait_seconds": wait,
                  "on_duty": off_duty is None, "reason": off_duty or why}
        return response.json({**answer, "instead": instead} if instead else answer, status=201)

    @bp.post("/api/events")
    async def rasa_event(request: Request) -> HTTPResponse:
        """From Rasa's event broker: a customer's message, relayed to the agent of an open session."""
        auth.service(request)
        message, new = await relay_customer_event(request.app, inputs.capped_event(inputs.valid(request, "event")))
        if message is None:
            return response.json({"relayed": False})
        # A redelivery (same event id) is answered as taken, and not stored twice.
        return response.json({"relayed": True, "duplicate": not new, "message": message.as_dict()},
                             status=201 if new else 200)

    @bp.post("/api/ratings")
    async def rating(request: Request) -> HTTPResponse:
        """From the action server: the customer's 1-5 rating after a person handed back; once (409 after)."""
        auth.service(request)
        body = inputs.valid(request, "rating")
        value = body["rating"]
        store: SessionStore = request.app.ctx.store
        session = await store.open_for(body["conversation_id"], (RETURNED,))
        if session is None:
            raise SessionNotFound(f"(handed back) of conversation '{body.get('conversation_id')}'")
        return response.json({"session": (await store.rate(session.id, value)).as_dict()})

    return bp
