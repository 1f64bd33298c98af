"""An agent's message reaches the customer once, and the agent is told the truth.

The message is stored first (status ``sending``) under its id, the client's or a new
one, then sent to Rasa with that id in the bot event's metadata. Rasa answered: it is
``delivered``. Rasa could not be reached or refused: ``failed``, and the customer did
not get it. No answer in time: it stays ``sending`` and nothing is sent again blindly;
a retry with the same id (or the reconciliation) looks in the tracker for the id
first, and only sends when it is not there and no earlier try can still arrive."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Optional

from handoff.errors import BadRequest, DeliveryUnknown, MessageIdTaken, RasaUnavailable, SessionConflict
from handoff.service.rasa_client import RasaClient
from handoff.service.store import ASSIGNED, DELIVERED, FAILED, SENDING, Message, Session, SessionStore

logger = logging.getLogger(__name__)
MAX_ID = 80


def client_id(value: object) -> Optional[str]:
    """The id a console or tool gave its message (`id` or `client_id`), checked."""
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID or not value.isprintable():
        raise BadRequest(f"a message 'id' must be a string of 1 to {MAX_ID} printable characters, such as a UUID")
    return value


async def send_once(store: SessionStore, rasa: RasaClient, session: Session, text: str, author: str, key: str,
                    settle: float, shown_as: Optional[str] = None, notice: Optional[str] = None) -> Message:
    """Store (or find) the message with this id and get it to the customer at most once: as the
    agent's (shown with the name `shown_as`), or, with `notice` (returned, ended), as the desk's."""
    message, new = await store.add_once(session.id, "agent", text, key, author, SENDING)
    if not new:
        if message.text != text:
            raise MessageIdTaken(session.id, key)
        if message.status == DELIVERED:
            return message
        if await rasa.delivered(session.conversation_id, key):
            return await delivered(store, session, message)
        if message.status == SENDING and datetime.now(timezone.utc) - message.at < timedelta(seconds=settle):
            return message  # an earlier try may still arrive: not sent twice; the reconciliation settles it
        message = await store.mark(message.seq, SENDING, touch=True) or message
    try:
        if notice:
            await rasa.send_update(session.conversation_id, text, notice, message_id=key, agent=author)
        else:
            await rasa.send_agent_message(session.conversation_id, text, author, key, shown_as=shown_as)
    except DeliveryUnknown as exc:
        logger.warning("session %s: message %s may not have arrived yet: %s", session.id, key, exc)
        return message
    except RasaUnavailable:
        await store.mark(message.seq, FAILED, only_from=(SENDING,))
        raise
    return await delivered(store, session, message)


async def delivered(store: SessionStore, session: Session, message: Message) -> Message:
    """Marked delivered; the agent's first delivered message makes the session active."""
    marked = await store.mark(message.seq, DELIVERED) or message
    if session.status == ASSIGNED:
        try:
            await store.activate(session.id)
        except SessionConflict:
            pass  # active already, or closed meanwhile
    return marked


async def settle(store: SessionStore, rasa: RasaClient, message: Message, session: Session) -> Optional[str]:
    """The truth about a message whose delivery was unknown: delivered or failed (None: Rasa away)."""
    try:
        found = await rasa.delivered(session.conversation_id, message.key or "")
    except RasaUnavailable:
        return None
    if found:
        await delivered(store, session, message)
        return DELIVERED
    if message.status == SENDING:
        await store.mark(message.seq, FAILED, only_from=(SENDING,))
        return FAILED
    return message.status
