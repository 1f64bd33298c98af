"""Events our broker held for a save that never finished: Rasa stopped after writing a
customer's message to the outbox (handoff.broker) and before its tracker store
committed it (bot.tracker_store). When Rasa starts, each is settled against the tracker:

- the tracker has it (the commit happened, the release did not): delivered;
- the tracker does not have it and the conversation waits for a person (paused): the
  customer's message is written to the tracker as the outbox kept it, then delivered,
  so what a customer wrote to a person is not lost and the agent and the tracker agree
  (a client that sends it again because it got no answer sends a second message, as
  when Rasa stops just after the commit);
- otherwise (the bot has the conversation and never answered it): dropped, and logged."""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from handoff.broker import HandoffEventBroker
from handoff.relay.ids import EVENT_ID, PENDING
from handoff.relay.outbox import Entry

logger = logging.getLogger(__name__)
PAUSE_STATE = ("pause", "resume", "restart")


def settle_held(broker: HandoffEventBroker, engine: Engine, events: sa.Table) -> None:
    held = broker.outbox.held()
    if not held:
        return
    release: List[Entry] = []
    with engine.begin() as connection:
        for entry in held:
            if _stored(connection, events, entry):
                release.append(entry)
            elif entry.event.get("event") == "user" and _paused(connection, events, entry.conversation_id):
                connection.execute(events.insert(), [_row(entry)])
                logger.warning("conversation %s: a customer message Rasa stopped before saving was restored from "
                               "the outbox into the tracker and goes to the agent", entry.conversation_id)
                release.append(entry)
            else:
                logger.warning("conversation %s: dropped a %s event Rasa stopped before saving (the bot had the "
                               "conversation)", entry.conversation_id, entry.event.get("event"))
    kept = {entry.event_id for entry in release}
    broker.outbox.drop([entry.event_id for entry in held if entry.event_id not in kept])
    broker.release(sorted(kept), {entry.conversation_id for entry in release})


def _stored(connection: Connection, events: sa.Table, entry: Entry) -> bool:
    query = (sa.select(sa.func.count()).select_from(events)
             .where(events.c.sender_id == entry.conversation_id, events.c.type_name == entry.event.get("event"),
                    events.c.timestamp == entry.event.get("timestamp")))
    return bool(connection.execute(query).scalar_one())


def _paused(connection: Connection, events: sa.Table, sender_id: str) -> bool:
    query = (sa.select(events.c.type_name)
             .where(events.c.sender_id == sender_id, events.c.type_name.in_(PAUSE_STATE))
             .order_by(events.c.id.desc()).limit(1))
    return connection.execute(query).scalar() == "pause"


def _row(entry: Entry) -> Dict[str, Any]:
    data = {k: v for k, v in entry.event.items() if k not in ("sender_id", EVENT_ID, PENDING)}
    intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
    return {"sender_id": entry.conversation_id, "type_name": data.get("event"), "timestamp": data.get("timestamp"),
            "intent_name": intent, "action_name": None, "data": json.dumps(data)}
