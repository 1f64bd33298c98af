"""The agent side of external desks: the webhook connector's signed inbound calls and
Chatwoot's webhook."""
from __future__ import annotations

import hmac
import json

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.connectors.chatwoot import ChatwootConnector
from handoff.connectors.webhook import SIGNATURE_HEADER, WebhookConnector, verify
from handoff.errors import BadRequest, SessionNotFound, Unauthorized
from handoff.service import guard, inputs
from handoff.relay.agent_messages import client_id
from handoff.service.desk import accept, agent_says, end
from handoff.service.store import OPEN, QUEUED, SessionStore


def blueprint() -> Blueprint:
    bp = Blueprint("connectors")

    @bp.post("/connectors/webhook/inbound")
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
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        store: SessionStore = request.app.ctx.store
        session = await store.get(str(body.get("session_id", "")))
        author = str(body.get("agent") or "agent")
        if session.status == QUEUED:
            session = await accept(request.app, session, author, source=guard.address(request))
        if body.get("type") == "message":
            message = await agent_says(request.app, session, inputs.text(body), author, client_id(body.get("id")),
                                       guard.address(request))
            return response.json({"message": message.as_dict()}, status=201)
        if body.get("type") == "close" and isinstance(body.get("return_to_bot"), bool):
            return response.json({"session": (await end(request.app, session, body["return_to_bot"], author,
                                                   guard.address(request))).as_dict()})
        raise BadRequest("'type' must be 'message' (with 'text') or 'close' (with 'return_to_bot' true or false)")

    @bp.post("/connectors/chatwoot/webhook/<token>")
    async def chatwoot_webhook(request: Request, token: str) -> HTTPResponse:
        """Chatwoot's webhook: agents' replies go to the customer; resolved hands back to the bot."""
        connector = request.app.ctx.connector
        if not isinstance(connector, ChatwootConnector):
            raise SessionNotFound("(the Chatwoot connector is not configured: HANDOFF_CONNECTOR=chatwoot)")
        if not hmac.compare_digest(token, connector.webhook_token):
            raise Unauthorized("unknown webhook token: use the URL with HANDOFF_CHATWOOT_WEBHOOK_TOKEN in Chatwoot")
        event = inputs.body(request)
        kind = event.get("event")
        conversation = event.get("conversation") or {}
        author = str((event.get("sender") or {}).get("name") or "agent")
        if kind == "message_created" and event.get("message_type") == "outgoing" and not event.get("private"):
            session = await request.app.ctx.store.by_external(str(conversation.get("id")))
            if session.status == QUEUED:
                session = await accept(request.app, session, author, source=guard.address(request))
            key = f"chatwoot-{event['id']}" if isinstance(event.get("id"), int) else None  # a redelivered webhook
            message = await agent_says(request.app, session, inputs.text(event, "content"), author, key,
                                       guard.address(request))
            return response.json({"message": message.as_dict()}, status=201)
        if kind == "conversation_status_changed" and event.get("status") == "resolved":
            session = await request.app.ctx.store.by_external(str(event.get("id") or conversation.get("id")))
            if session.status in OPEN:
                session = await end(request.app, session, True, author, guard.address(request))
            return response.json({"session": session.as_dict()})
        return response.json({"ignored": kind})  # our own notes, incoming messages, other events

    return bp
