"""What happens on the desk, whichever route or connector asked for it: accepting a
session, an agent writing to the customer, ending a chat (with or without hand-back),
and a customer's message during a handoff reaching the agent."""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Tuple

from sanic import Sanic

from handoff.errors import ConnectorUnavailable, RasaUnavailable, SessionConflict
from handoff.privacy.views import verified_email
from handoff.relay.agent_messages import send_once
from handoff.relay.connector_notice import ConnectorNotice
from handoff.relay.handback import last_word_key
from handoff.relay.ids import PENDING, event_id, new_id
from handoff.service.queue_exit import customer_leaves, wants_to_leave
from handoff.service.rasa_client import RasaClient
from handoff.service.settings import ServiceSettings, shown_as
from handoff.service.store import (ACTIVE, ASSIGNED, CLOSED, OPEN, QUEUED, RESOLVED, RETURNED, Message, Session,
                                   SessionStore)

logger = logging.getLogger(__name__)
HANDED_BACK = "You're back with the shop assistant now."
ENDED = "Thanks for chatting with us. This conversation is now closed; write again any time."


async def tell_connector(app: Sanic, session: Session, call: str, *args: Any) -> bool:
    """A connector failure after the fact is logged and noted on the session for supervisors (False)."""
    try:
        await getattr(app.ctx.connector, call)(session, *args)
    except ConnectorUnavailable as exc:
        logger.error("session %s: %s", session.id, exc)
        await app.ctx.store.add_message(session.id, "system", str(exc))
        return False
    return True


async def accept(app: Sanic, session: Session, agent: str, capacity: Optional[int] = None,
                 source: str = "") -> Session:
    """Exactly one agent wins, within their capacity. A session left as a message has the bot in
    the chat: pause it, so what the customer writes next goes to the person."""
    accepted = await app.ctx.store.accept(session.id, agent, capacity)
    await app.ctx.audit.record(agent, "accept", session.id, {"skill": accepted.skill}, source)
    if accepted.left_message_at is not None:
        try:
            await app.ctx.rasa.pause(accepted.conversation_id)
        except RasaUnavailable as exc:
            logger.error("session %s: the conversation could not be paused: %s", session.id, exc)
            await app.ctx.store.add_message(session.id, "system", f"the bot could not be paused: {exc}")
    try:  # the customer knows a person is there, and who
        await app.ctx.rasa.agent_joined(accepted.conversation_id, shown_as(app.ctx.settings, agent))
    except RasaUnavailable as exc:
        logger.error("session %s: the customer could not be told who joined: %s", session.id, exc)
    return accepted


async def agent_says(app: Sanic, session: Session, text: str, author: str, key: Optional[str] = None,
                     source: str = "") -> Message:
    """Sent at most once per id (handoff.relay.agent_messages); the message's status says how it went."""
    if session.status not in (ASSIGNED, ACTIVE):
        raise SessionConflict(session.id, session.status, "written to")
    message = await send_once(app.ctx.store, app.ctx.rasa, session, text, author, key or new_id(),
                              app.ctx.settings.settle_seconds, shown_as=shown_as(app.ctx.settings, author))
    await app.ctx.audit.record(author, "agent_message", session.id, {"message": message.seq,
                                                                     "status": message.status}, source)
    return message


async def end(app: Sanic, session: Session, back: bool, author: str, source: str = "") -> Session:
    """Idempotent: each step is done once (the last word has a fixed id, the resume happens only
    while the conversation is paused), so after a fault the agent just closes again; closing
    again what is closed the same way answers the closed session."""
    wanted = RETURNED if back else RESOLVED
    if session.status == wanted:
        return session
    if session.status not in OPEN:
        raise SessionConflict(session.id, session.status, "closed")
    rasa: RasaClient = app.ctx.rasa
    # The last word is the desk's notice (no agent's name in front), sent once under its fixed id.
    last_word, key = (HANDED_BACK if back else ENDED), last_word_key(session.id, back)
    await send_once(app.ctx.store, rasa, session, last_word, author, key, app.ctx.settings.settle_seconds,
                    notice=wanted)
    if back:
        await rasa.hand_back(session.conversation_id)
    else:
        await rasa.resume(session.conversation_id)
    try:
        closed = await app.ctx.store.close(session.id, wanted)
    except SessionConflict:
        closed = await app.ctx.store.get(session.id)
        if closed.status != wanted:
            raise
        return closed
    await app.ctx.audit.record(author, "hand_back" if back else "close", session.id, {"status": wanted}, source)
    await tell_connector(app, closed, "closed")
    return closed


async def relay_customer_event(app: Sanic, event: Dict[str, Any]) -> Tuple[Optional[Message], bool]:
    """A Rasa event (from our broker or RabbitMQ): a customer's message during a handoff goes
    to the session and its connector, once per event id: (the message, whether it is new).
    Only what is written after the transfer: what came before is in the context."""
    store: SessionStore = app.ctx.store
    exposition = getattr(app.ctx, "exposition", None)  # handoff.insights.exposition: Prometheus counts
    if exposition is not None:
        exposition.rasa_event(event)  # what the handoff components did on the Rasa side
    if event.get("event") != "user":
        return None, False
    if getattr(app.ctx, "qa", None) is not None:
        app.ctx.qa.job.seen(event)  # the conversation is not idle: its review waits
    session = await store.open_for(str(event.get("sender_id", "")))
    written = float(event.get("timestamp") or 0)
    if session is None:
        return await _arrived_after_close(app, event, written)
    if written <= session.created_at.timestamp():
        return None, False
    message, new = await store.add_once(session.id, "customer", private(app, session, event), event_id(event),
                                        **ConnectorNotice.claimed())
    await app.ctx.backlog.update(session.id, event.get(PENDING))
    if new and exposition is not None:
        exposition.customer_relayed(event)
    # A redelivery is not shown twice; the desk is told unless a try told it already.
    await ConnectorNotice(store).tell_once(message, new,
                                           lambda: tell_connector(app, session, "customer_wrote", message))
    if not new:
        return message, False
    settings: ServiceSettings = app.ctx.settings
    if session.customer_waiting and wants_to_leave(event, settings.leave_intents, settings.leave_confidence):
        app.add_task(_customer_leaves(app, session))  # not on the broker's time: it talks to Rasa
    return message, True


def private(app: Sanic, session: Session, event: Dict[str, Any]) -> str:
    """A customer's message as the internal console may see it (privacy.yml), before it is stored."""
    return app.ctx.privacy.audience("console").redact(str(event.get("text") or ""), verified_email(session.context))


async def _arrived_after_close(app: Sanic, event: Dict[str, Any],
                               written: float) -> Tuple[Optional[Message], bool]:
    """Written while the chat was open, delivered after the agent closed it (it was still on its
    way): kept on that session with a note, so it is not lost and someone can answer it."""
    store: SessionStore = app.ctx.store
    last = await store.open_for(str(event.get("sender_id", "")), CLOSED)
    if last is None or last.closed_at is None:
        return None, False
    if not last.created_at.timestamp() < written <= last.closed_at.timestamp():
        return None, False
    message, new = await store.add_once(last.id, "customer", private(app, last, event), event_id(event))
    if new:
        logger.warning("session %s: a customer message arrived after the chat was closed", last.id)
        await store.add_message(last.id, "system", "the message above was written before the chat was closed and "
                                "arrived after it; the customer has had no answer to it")
    return message, new


async def _customer_leaves(app: Sanic, session: Session) -> None:
    closed = await customer_leaves(app.ctx.store, app.ctx.rasa, session)
    if closed is not None:
        await tell_connector(app, closed, "closed")


async def position(store: SessionStore, session: Session) -> int:
    queued = await store.list((QUEUED,))
    return next((i for i, s in enumerate(queued, start=1) if s.id == session.id), 0)
