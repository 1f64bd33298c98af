"""The handoff service: a sanic app built by a factory. The action server opens a
session for a transferred conversation; agents list the queue, accept, chat with
the customer through Rasa, transfer, write internal notes and close (handing back
to the bot or not). Errors map to JSON responses in one place."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Optional

from sanic import Request, Sanic, response
from sanic.response import HTTPResponse

from handoff.connectors.base import LiveAgentConnector
from handoff.connectors.chatwoot import ChatwootConnector
from handoff.connectors.console import ConsoleConnector
from handoff.connectors.webhook import SIGNATURE_HEADER, WebhookConnector, verify
from handoff.errors import (BadRequest, ConnectorUnavailable, Forbidden, HandoffError, RasaUnavailable,
                            RequestError, SessionConflict, SessionNotFound, Unauthorized)
from handoff.service.duty import Duty
from handoff.service.escalation import run_escalation
from handoff.service.fanout import Fanout
from handoff.service.hub import Hub
from handoff.service.leader import Leadership, lock_key
from handoff.service.metrics import desk_metrics
from handoff.service.queue_exit import customer_leaves, run_queue_watch, wants_to_leave
from handoff.service.rabbit import consume_rasa_events
from handoff.service.openapi import spec
from handoff.service.rasa_client import RasaClient
from handoff.service.settings import Agent, ServiceSettings, token_hash
from handoff.service.store import (ABANDONED, ACTIVE, ASSIGNED, CLOSED, OPEN, QUEUED, RESOLVED, RETURNED, Session,
                                   SessionStore)

logger = logging.getLogger(__name__)
CONSOLE = Path(__file__).parent / "console"
HANDED_BACK = "You're back with the shop assistant now."
ENDED = "Thanks for chatting with us. This conversation is now closed; write again any time."


def create_app(settings: ServiceSettings, store: Optional[SessionStore] = None,
               rasa: Optional[RasaClient] = None, connector: Optional[LiveAgentConnector] = None,
               name: str = "handoff") -> Sanic:
    app = Sanic(name)
    app.ctx.settings = settings
    app.ctx.store = store or SessionStore.from_url(settings.database_url)
    app.ctx.rasa = rasa or RasaClient(settings.rasa_url, settings.rasa_token)
    app.ctx.connector = connector or ConsoleConnector()
    app.ctx.duty = Duty(settings.hours, settings.agent_idle_seconds,
                        app.ctx.store if app.ctx.store.shared else None)
    app.ctx.hub = Hub()
    app.ctx.store.subscribe(app.ctx.hub.push)
    app.ctx.fanout = None
    if app.ctx.store.shared:  # other instances' changes reach this one's agents, and the other way
        app.ctx.fanout = Fanout(app.ctx.store, app.ctx.hub.push)
        app.ctx.store.subscribe(app.ctx.fanout.announce)

    @app.listener("after_server_start")
    async def start_background(app: Sanic, _: Any) -> None:
        app.add_task(run_escalation(app.ctx.store, app.ctx.rasa, settings.escalate_after_seconds))
        if app.ctx.fanout is not None:
            app.add_task(app.ctx.fanout.run())
        app.add_task(run_queue_watch(app.ctx.store, app.ctx.rasa, app.ctx.duty.off_duty_reason,
                                     settings.queue_check_seconds))
        if settings.rabbitmq_url:
            def consume() -> Any:
                return consume_rasa_events(settings.rabbitmq_url, settings.rabbitmq_queue,
                                           lambda event: relay_customer_event(app, event))

            if app.ctx.store.shared:  # several instances: one consumes at a time, in order; the others stand by
                leadership = Leadership(app.ctx.store.engine, f"RabbitMQ queue {settings.rabbitmq_queue}",
                                        key=lock_key(settings.rabbitmq_queue))
                app.ctx.consuming = asyncio.ensure_future(
                    leadership.run(consume, lambda connection: connection.close()))
            else:
                app.ctx.consumer = await consume()

    @app.listener("after_server_stop")
    async def close_clients(app: Sanic, _: Any) -> None:
        if app.ctx.fanout is not None:
            app.ctx.fanout.stop()
        if getattr(app.ctx, "consuming", None) is not None:
            app.ctx.consuming.cancel()  # stops consuming and frees the leadership for another instance
            await asyncio.gather(app.ctx.consuming, return_exceptions=True)
        if getattr(app.ctx, "consumer", None) is not None:
            await app.ctx.consumer.close()
        await app.ctx.rasa.close()
        await app.ctx.connector.close()

    _errors(app)
    _routes(app)
    return app


def _errors(app: Sanic) -> None:
    statuses = {SessionNotFound: 404, SessionConflict: 409, RasaUnavailable: 502, ConnectorUnavailable: 502}

    @app.exception(HandoffError)
    async def handoff_error(request: Request, exc: HandoffError) -> HTTPResponse:
        status = exc.status if isinstance(exc, RequestError) else statuses.get(type(exc), 500)
        return response.json({"error": str(exc)}, status=status)

    @app.exception(ValueError)
    async def bad_value(request: Request, exc: ValueError) -> HTTPResponse:
        return response.json({"error": str(exc)}, status=400)


def _agent(request: Request) -> Agent:
    agent = _agent_with(request.app, _bearer(request))
    if agent is None:
        raise Unauthorized("unknown token: log in with the token your administrator gave you")
    return agent


def _agent_with(app: Sanic, token: str) -> Optional[Agent]:
    """The agent whose token this is (and who is thereby present), or None."""
    digest = token_hash(token)
    agent = next((a for a in app.ctx.settings.agents if hmac.compare_digest(a.token_sha256, digest)), None)
    if agent is not None:
        app.ctx.duty.saw(agent.name)
    return agent


def _service(request: Request) -> None:
    expected = request.app.ctx.settings.service_token
    if not expected or not hmac.compare_digest(_bearer(request), expected):
        raise Unauthorized("unknown service token: set the same HANDOFF_SERVICE_TOKEN on the action server")


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer ") or not header[7:].strip():
        raise Unauthorized("missing token: send 'Authorization: Bearer <token>'")
    return header[7:].strip()


def _body(request: Request) -> Dict[str, Any]:
    try:
        body = request.json
    except Exception as exc:  # sanic raises its own InvalidUsage on bad JSON
        raise BadRequest(f"the body is not valid JSON ({exc})") from exc
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _text(body: Dict[str, Any], key: str = "text") -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"'{key}' must be a non-empty string")
    if len(value) > 5000:
        raise BadRequest(f"'{key}' is {len(value)} characters; the limit is 5000")
    return value.strip()


def _since(value: Optional[str]) -> Optional[datetime]:
    if not value:
        return None
    try:  # Python 3.10's fromisoformat does not read the "Z" of JavaScript's toISOString()
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError as exc:
        raise BadRequest(f"'since' is '{value}'; give an ISO date or time such as 2026-11-01 or "
                         "2026-11-01T09:00:00+00:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _owned(session: Session, agent: Agent) -> None:
    if session.agent != agent.name and not agent.supervisor:
        raise Forbidden(f"session '{session.id}' belongs to {session.agent or 'nobody yet'}: accept it first")


async def _tell_connector(app: Sanic, session: Session, call: str, *args: Any) -> None:
    """A connector failure after the fact is logged and noted on the session for supervisors."""
    try:
        await getattr(app.ctx.connector, call)(session, *args)
    except ConnectorUnavailable as exc:
        logger.error("session %s: %s", session.id, exc)
        await app.ctx.store.add_message(session.id, "system", str(exc))


async def _accept(app: Sanic, session: Session, agent: str) -> Session:
    """Exactly one agent wins. A session left as a message has the bot in the chat: pause it,
    so what the customer writes next goes to the person."""
    accepted = await app.ctx.store.accept(session.id, agent)
    if accepted.left_message_at is not None:
        try:
            await app.ctx.rasa.pause(accepted.conversation_id)
        except RasaUnavailable as exc:
            logger.error("session %s: the conversation could not be paused: %s", session.id, exc)
            await app.ctx.store.add_message(session.id, "system", f"the bot could not be paused: {exc}")
    return accepted


async def _agent_says(app: Sanic, session: Session, text: str, author: str) -> Any:
    if session.status not in (ASSIGNED, ACTIVE):
        raise SessionConflict(session.id, session.status, "written to")
    await app.ctx.rasa.send_agent_message(session.conversation_id, text, author)
    if session.status == ASSIGNED:
        await app.ctx.store.activate(session.id)
    return await app.ctx.store.add_message(session.id, "agent", text, author=author)


async def _end(app: Sanic, session: Session, back: bool, author: str) -> Session:
    if session.status not in OPEN:
        raise SessionConflict(session.id, session.status, "closed")
    rasa: RasaClient = app.ctx.rasa
    if back:
        await rasa.send_agent_message(session.conversation_id, HANDED_BACK, author)
        await rasa.hand_back(session.conversation_id)
    else:
        await rasa.end(session.conversation_id, ENDED, author)
    closed = await app.ctx.store.close(session.id, RETURNED if back else RESOLVED)
    await _tell_connector(app, closed, "closed")
    return closed


async def relay_customer_event(app: Sanic, event: Dict[str, Any]) -> Optional[Any]:
    """A Rasa event (from our broker or RabbitMQ): a customer's message during a handoff goes
    to the session and its connector. Only what is written after the transfer: what came
    before is in the context."""
    store: SessionStore = app.ctx.store
    if event.get("event") != "user":
        return None
    session = await store.open_for(str(event.get("sender_id", "")))
    if session is None or float(event.get("timestamp") or 0) <= session.created_at.timestamp():
        return None
    message = await store.add_message(session.id, "customer", str(event.get("text") or ""))
    await _tell_connector(app, session, "customer_wrote", message)
    settings: ServiceSettings = app.ctx.settings
    if session.customer_waiting and wants_to_leave(event, settings.leave_intents, settings.leave_confidence):
        app.add_task(_customer_leaves(app, session))  # not on the broker's time: it talks to Rasa
    return message


async def _customer_leaves(app: Sanic, session: Session) -> None:
    closed = await customer_leaves(app.ctx.store, app.ctx.rasa, session)
    if closed is not None:
        await _tell_connector(app, closed, "closed")


async def _position(store: SessionStore, session: Session) -> int:
    queued = await store.list((QUEUED,))
    return next((i for i, s in enumerate(queued, start=1) if s.id == session.id), 0)


def _routes(app: Sanic) -> None:
    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    app.static("/console", str(CONSOLE))

    @app.get("/")
    async def index(request: Request) -> HTTPResponse:
        return response.redirect("/console/index.html")

    @app.websocket("/api/ws")
    async def live(request: Request, ws: Any) -> None:
        """Pushes {"type": "session" | "message", ...} to a logged-in agent (token in ?token=)."""
        agent = _agent_with(request.app, request.args.get("token", ""))
        if agent is None:
            await ws.close(code=4401, reason="unknown token")
            return
        hub: Hub = request.app.ctx.hub
        hub.join(ws)
        try:
            await ws.send(json.dumps({"type": "hello", "agent": agent.name}))
            while True:  # the agent's side only keeps it open; presence counts while connected
                if await ws.recv() is None:
                    break
                request.app.ctx.duty.saw(agent.name)
        finally:
            hub.leave(ws)

    @app.get("/api/me")
    async def me(request: Request) -> HTTPResponse:
        agent = _agent(request)
        return response.json({"name": agent.name, "skills": list(agent.skills), "capacity": agent.capacity,
                              "supervisor": agent.supervisor})

    @app.get("/openapi.json")
    async def openapi(request: Request) -> HTTPResponse:
        return response.json(spec())

    @app.post("/api/handoffs")
    async def open_session(request: Request) -> HTTPResponse:
        """From the action server: a conversation to transfer, with its HandoffContext."""
        _service(request)
        body = _body(request)
        context = body.get("context")
        if not isinstance(context, dict) or not isinstance(context.get("conversation_id"), str):
            raise BadRequest("'context' must be a HandoffContext object with a 'conversation_id'")
        store: SessionStore = request.app.ctx.store
        session = await store.open_for(context["conversation_id"])
        if session is None:
            session = await store.create(context["conversation_id"], context, str(context.get("skill", "general")),
                                         str(context.get("priority", "normal")))
            try:
                external = await request.app.ctx.connector.opened(session, context)
                if external:
                    await store.link(session.id, external)
            except ConnectorUnavailable:
                await store.close(session.id, ABANDONED)  # nobody will see it: the customer must hear so
                raise
        off_duty = await request.app.ctx.duty.off_duty_reason(datetime.now(timezone.utc))
        if off_duty and session.customer_waiting:  # it stays queued as a message for when someone is back
            session = await store.leave_as_message(session.id)
            await store.add_message(session.id, "system", f"left as a message: {off_duty}")
        elif not off_duty and session.status == QUEUED and session.left_message_at is not None:
            session = await store.waiting_again(session.id)  # asked again, and this time someone is there
        position = await _position(store, session)
        wait = position * request.app.ctx.settings.wait_per_session_seconds
        return response.json({"session": session.as_dict(), "position": position, "estimated_wait_seconds": wait,
                              "on_duty": off_duty is None, "reason": off_duty}, status=201)

    @app.post("/api/events")
    async def rasa_event(request: Request) -> HTTPResponse:
        """From Rasa's event broker: a customer's message, relayed to the agent of an open session."""
        _service(request)
        message = await relay_customer_event(request.app, _body(request))
        if message is None:
            return response.json({"relayed": False})
        return response.json({"relayed": True, "message": message.as_dict()}, status=201)

    @app.post("/connectors/webhook/inbound")
    async def webhook_inbound(request: Request) -> HTTPResponse:
        """The agent side of the webhook connector: signed messages and closes."""
        connector = request.app.ctx.connector
        if not isinstance(connector, WebhookConnector):
            raise SessionNotFound("(the webhook connector is not configured: HANDOFF_CONNECTOR=webhook)")
        if not verify(connector.secret, request.body, request.headers.get(SIGNATURE_HEADER)):
            raise Unauthorized(f"bad or missing {SIGNATURE_HEADER}: sign the raw body with HMAC-SHA256 of the secret")
        try:
            body = json.loads(request.body)
        except ValueError as exc:
            raise BadRequest(f"the body is not valid JSON ({exc})") from exc
        store: SessionStore = request.app.ctx.store
        session = await store.get(str(body.get("session_id", "")))
        author = str(body.get("agent") or "agent")
        if session.status == QUEUED:
            session = await _accept(request.app, session, author)
        if body.get("type") == "message":
            message = await _agent_says(request.app, session, _text(body), author)
            return response.json({"message": message.as_dict()}, status=201)
        if body.get("type") == "close" and isinstance(body.get("return_to_bot"), bool):
            return response.json({"session": (await _end(request.app, session, body["return_to_bot"], author)).as_dict()})
        raise BadRequest("'type' must be 'message' (with 'text') or 'close' (with 'return_to_bot' true or false)")

    @app.post("/connectors/chatwoot/webhook/<token>")
    async def chatwoot_webhook(request: Request, token: str) -> HTTPResponse:
        """Chatwoot's webhook: agents' replies go to the customer; resolved hands back to the bot."""
        connector = request.app.ctx.connector
        if not isinstance(connector, ChatwootConnector):
            raise SessionNotFound("(the Chatwoot connector is not configured: HANDOFF_CONNECTOR=chatwoot)")
        if not hmac.compare_digest(token, connector.webhook_token):
            raise Unauthorized("unknown webhook token: use the URL with HANDOFF_CHATWOOT_WEBHOOK_TOKEN in Chatwoot")
        event = _body(request)
        kind = event.get("event")
        conversation = event.get("conversation") or {}
        author = str((event.get("sender") or {}).get("name") or "agent")
        if kind == "message_created" and event.get("message_type") == "outgoing" and not event.get("private"):
            session = await request.app.ctx.store.by_external(str(conversation.get("id")))
            if session.status == QUEUED:
                session = await _accept(request.app, session, author)
            message = await _agent_says(request.app, session, _text(event, "content"), author)
            return response.json({"message": message.as_dict()}, status=201)
        if kind == "conversation_status_changed" and event.get("status") == "resolved":
            session = await request.app.ctx.store.by_external(str(event.get("id") or conversation.get("id")))
            if session.status in OPEN:
                session = await _end(request.app, session, True, author)
            return response.json({"session": session.as_dict()})
        return response.json({"ignored": kind})  # our own notes, incoming messages, other events

    @app.post("/api/ratings")
    async def rating(request: Request) -> HTTPResponse:
        """From the action server: the customer's 1-5 rating after a person handed back."""
        _service(request)
        body = _body(request)
        value = body.get("rating")
        if not isinstance(value, int) or isinstance(value, bool):
            raise BadRequest("'rating' must be a whole number from 1 to 5")
        store: SessionStore = request.app.ctx.store
        session = await store.open_for(str(body.get("conversation_id", "")), (RETURNED,))
        if session is None:
            raise SessionNotFound(f"(handed back) of conversation '{body.get('conversation_id')}'")
        return response.json({"session": (await store.rate(session.id, value)).as_dict()})

    @app.get("/api/sessions")
    async def list_sessions(request: Request) -> HTTPResponse:
        _agent(request)
        wanted = tuple(s for s in request.args.get("status", ",".join(OPEN)).split(",") if s)
        unknown = set(wanted) - set(OPEN + CLOSED)
        if unknown:
            raise BadRequest(f"unknown status '{sorted(unknown)[0]}'; use {', '.join(OPEN + CLOSED)}")
        sessions = await request.app.ctx.store.list(wanted, request.args.get("skill"))
        return response.json({"sessions": [s.as_dict() for s in sessions]})

    @app.get("/api/metrics")
    async def metrics(request: Request) -> HTTPResponse:
        """The desk in figures over the sessions opened since `since` (ISO date or time; default: all)."""
        _agent(request)
        since = _since(request.args.get("since"))
        sessions = await request.app.ctx.store.list(OPEN + CLOSED, since=since)
        return response.json({"since": since.isoformat() if since else None,
                              **desk_metrics(sessions, datetime.now(timezone.utc))})

    @app.get("/api/sessions/<session_id>")
    async def get_session(request: Request, session_id: str) -> HTTPResponse:
        _agent(request)
        store: SessionStore = request.app.ctx.store
        session = await store.get(session_id)
        messages = await store.messages(session_id, int(request.args.get("after", 0)))
        return response.json({"session": session.as_dict(), "messages": [m.as_dict() for m in messages]})

    @app.post("/api/sessions/<session_id>/accept")
    async def accept(request: Request, session_id: str) -> HTTPResponse:
        agent = _agent(request)
        store: SessionStore = request.app.ctx.store
        session = await store.get(session_id)
        if not agent.serves(session.skill) and not agent.supervisor:
            raise Forbidden(f"session '{session_id}' needs the skill '{session.skill}', which {agent.name} lacks")
        if session.agent and session.agent != agent.name:
            raise Forbidden(f"session '{session_id}' was transferred to {session.agent}")
        busy = [s for s in await store.list((ASSIGNED, ACTIVE)) if s.agent == agent.name]
        if len(busy) >= agent.capacity:
            raise SessionConflict(session_id, f"waiting while {agent.name} has {len(busy)} chats (the limit)",
                                  "accepted")
        return response.json({"session": (await _accept(request.app, session, agent.name)).as_dict()})

    @app.post("/api/sessions/<session_id>/messages")
    async def send(request: Request, session_id: str) -> HTTPResponse:
        agent = _agent(request)
        text = _text(_body(request))
        store: SessionStore = request.app.ctx.store
        session = await store.get(session_id)
        _owned(session, agent)
        message = await _agent_says(request.app, session, text, agent.name)
        return response.json({"message": message.as_dict()}, status=201)

    @app.post("/api/sessions/<session_id>/notes")
    async def note(request: Request, session_id: str) -> HTTPResponse:
        agent = _agent(request)
        message = await request.app.ctx.store.add_message(session_id, "note", _text(_body(request)), agent.name)
        return response.json({"message": message.as_dict()}, status=201)

    @app.post("/api/sessions/<session_id>/transfer")
    async def transfer(request: Request, session_id: str) -> HTTPResponse:
        agent = _agent(request)
        body = _body(request)
        store: SessionStore = request.app.ctx.store
        _owned(await store.get(session_id), agent)
        skill, target = body.get("skill"), body.get("agent")
        if not skill and not target:
            raise BadRequest("give a 'skill' or an 'agent' to transfer to")
        if target and target not in {a.name for a in request.app.ctx.settings.agents}:
            raise BadRequest(f"no agent named '{target}'")
        session = await store.transfer(session_id, skill, target)
        await store.add_message(session_id, "system", f"transferred by {agent.name} to {target or skill}", agent.name)
        return response.json({"session": session.as_dict()})

    @app.post("/api/sessions/<session_id>/close")
    async def close(request: Request, session_id: str) -> HTTPResponse:
        agent = _agent(request)
        body = _body(request)
        back = body.get("return_to_bot")
        if not isinstance(back, bool):
            raise BadRequest("'return_to_bot' must be true (the bot takes over) or false (the chat ends)")
        session = await request.app.ctx.store.get(session_id)
        _owned(session, agent)
        closed = await _end(request.app, session, back, agent.name)
        return response.json({"session": closed.as_dict()})
