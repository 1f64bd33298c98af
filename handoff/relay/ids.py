"""Every customer event has an id. Our broker gives each one a random id when Rasa
publishes it (kept in the outbox, so it is the same on every retry); an event that
comes without one (Rasa's Pika broker through RabbitMQ) is known by a digest of what
makes it that event, which a redelivery repeats exactly."""
from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any, Dict

EVENT_ID = "handoff_event_id"  # key the broker adds to the event it forwards
PENDING = "handoff_pending"    # ...and how many of the conversation's events still wait behind it


def new_id() -> str:
    return uuid.uuid4().hex


def event_id(event: Dict[str, Any]) -> str:
    given = event.get(EVENT_ID)
    if isinstance(given, str) and 0 < len(given) <= 64:
        return given
    identity = [event.get("sender_id"), event.get("timestamp"), event.get("message_id"), event.get("text")]
    return "d" + hashlib.sha256(json.dumps(identity, default=str).encode()).hexdigest()[:40]
