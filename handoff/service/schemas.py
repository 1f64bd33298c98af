"""The JSON Schemas of the service's request bodies and answers, in one place: the
OpenAPI document (handoff.service.openapi) is built from them and every request body
is validated against the same schema (handoff.service.inputs.valid) before a route
sees it. JSON Schema 2020-12, as OpenAPI 3.1 uses it."""
from __future__ import annotations

from typing import Any, Dict, List

from handoff.evidence import PRIORITY_RANK

MAX_TEXT = 5000      # a message, a note
MAX_NAME = 64        # skills, agents, triggers
MAX_ID = 255         # conversation ids (Rasa's sender ids)
MAX_LINES = 300      # transcript lines, turns
NAME = {"type": "string", "minLength": 1, "maxLength": MAX_NAME}
NULLABLE_NUMBER = {"type": ["number", "null"]}
STATUSES = ("queued", "assigned", "active", "resolved", "returned", "abandoned")
MAX_MESSAGE_ID = 80  # handoff.relay.agent_messages.MAX_ID
# A message's id, given by the console (a UUID) so that a retry is the same message:
# printable ASCII (no anchors, so that no trailing newline slips through a `$`).
MESSAGE_ID = {"type": "string", "minLength": 1, "maxLength": MAX_MESSAGE_ID, "not": {"pattern": "[^ -~]"}}


def _object(properties: Dict[str, Any], required: List[str], extra: bool = False) -> Dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": extra}


REASON = _object({
    "trigger": NAME, "turn": {"type": "integer", "minimum": 0, "maximum": 100_000},
    "detail": {"type": "string", "maxLength": 1000}, "value": {"type": "number"}, "threshold": {"type": "number"},
    "skill": NAME, "priority": {"enum": list(PRIORITY_RANK)}, "mode": {"enum": ["offer", "transfer"]},
    "reason": {"type": "string", "maxLength": 128}, "rule": {"type": "string", "maxLength": MAX_NAME},
}, ["trigger"])
LINE = _object({
    "at": {"type": ["string", "null"], "maxLength": 64}, "speaker": {"enum": ["customer", "bot", "agent"]},
    "text": {"type": "string", "maxLength": MAX_TEXT + 1},
    "intent": {"type": ["string", "null"], "maxLength": 200}, "confidence": NULLABLE_NUMBER,
    "entities": {"type": "array", "maxItems": 50, "items": {"type": "object", "maxProperties": 10}},
    "sentiment": NULLABLE_NUMBER,
}, ["speaker", "text"])
# What the action server sends (handoff.context.HandoffContext). The service token is the
# action server's alone, so what it says (a verified email) is trusted; types and sizes are
# still checked, so that nothing stored can break the desk.
CONTEXT = _object({
    "conversation_id": {"type": "string", "minLength": 1, "maxLength": MAX_ID},
    "channel": {"type": ["string", "null"], "maxLength": MAX_NAME},
    "customer": _object({"email": {"type": "string", "maxLength": 254}, "verified": {"type": "boolean"}}, []),
    "reasons": {"type": "array", "maxItems": 20, "items": REASON},
    "skill": NAME, "priority": {"enum": list(PRIORITY_RANK)},
    "summary": {"type": "string", "maxLength": 2000},
    "transcript": {"type": "array", "maxItems": MAX_LINES, "items": LINE},
    "slots": {"type": "object", "maxProperties": 100},
    "intents": {"type": "array", "maxItems": MAX_LINES, "items": {"type": "object", "maxProperties": 5}},
    "sentiment": {"type": "array", "maxItems": MAX_LINES, "items": NULLABLE_NUMBER},
    "created_at": {"type": "string", "maxLength": 64},
}, ["conversation_id"])
# Rasa's events, as its event broker sends them: only user messages are used. Our broker
# adds the event's id (a redelivery carries the same one) and how many more of the
# conversation's events wait behind it (handoff.relay.ids); Rasa's own message_id is kept.
EVENT = {"type": "object", "properties": {
    "event": {"type": "string", "maxLength": MAX_NAME}, "sender_id": {"type": "string", "maxLength": MAX_ID},
    "text": {"type": ["string", "null"]}, "timestamp": NULLABLE_NUMBER,
    "parse_data": {"type": "object"}, "message_id": {"type": ["string", "null"], "maxLength": MAX_ID},
    "handoff_event_id": {"type": "string", "minLength": 1, "maxLength": 64},
    "handoff_pending": {"type": "integer", "minimum": 0}}, "required": ["event"]}

TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_TEXT, "pattern": r"\S"}

REQUESTS: Dict[str, Dict[str, Any]] = {
    "handoff": _object({"context": CONTEXT}, ["context"]),
    "event": EVENT,
    "rating": _object({"conversation_id": {"type": "string", "minLength": 1, "maxLength": MAX_ID},
                       "rating": {"type": "integer", "minimum": 1, "maximum": 5}}, ["conversation_id", "rating"]),
    "text": _object({"text": TEXT}, ["text"]),
    # an agent's message: `id` (or `client_id`) makes a retry the same message, sent at most once
    "message": _object({"text": TEXT, "id": MESSAGE_ID, "client_id": MESSAGE_ID}, ["text"]),
    "transfer": {**_object({"skill": NAME, "agent": NAME}, []), "minProperties": 1},
    "close": _object({"return_to_bot": {"type": "boolean"}}, ["return_to_bot"]),
    "empty": {"type": "object", "maxProperties": 0},
    # a correction of a bot turn (handoff.corrections); `expected` is needed for a wrong answer
    "correction": _object({"conversation_id": {"type": "string", "minLength": 1, "maxLength": MAX_ID},
                           "turn": {"type": "integer", "minimum": 1, "maximum": 100_000},
                           "kind": {"enum": ["wrong_answer", "should_handoff", "should_not_handoff"]},
                           "expected": {"type": "string", "minLength": 1, "maxLength": 200},
                           "note": {"type": "string", "maxLength": 2000}}, ["conversation_id", "turn", "kind"])
    | {"if": {"properties": {"kind": {"const": "wrong_answer"}}}, "then": {"required": ["expected"]}},
    "decision": _object({"note": {"type": "string", "maxLength": 2000}}, []),
    # the bot off (enabled: true) or back on, for a skill or "*" for all
    "kill_switch": _object({"skill": NAME, "enabled": {"type": "boolean"},
                            "reason": {**TEXT, "maxLength": 500}}, ["skill", "enabled", "reason"]),
    # a supervisor confirms a customer's request to erase their data
    "erase": _object({"confirm": {"const": True}}, ["confirm"]),
}

_TIME = {"type": "string"}
_MAYBE_TIME = {"type": ["string", "null"]}
SESSION = _object({
    "id": {"type": "string"}, "conversation_id": {"type": "string"}, "status": {"enum": list(STATUSES)},
    "skill": {"type": "string"}, "priority": {"type": "string"}, "agent": {"type": ["string", "null"]},
    "context": {"type": "object"}, "created_at": _TIME, "assigned_at": _MAYBE_TIME, "closed_at": _MAYBE_TIME,
    "escalated": {"type": "integer"}, "rating": {"type": ["integer", "null"]},
    "external_id": {"type": ["string", "null"]}, "left_message_at": _MAYBE_TIME,
}, ["id", "conversation_id", "status", "skill", "priority", "context", "created_at"])
MESSAGE = _object({
    "seq": {"type": "integer"}, "session_id": {"type": "string"},
    "sender": {"enum": ["customer", "agent", "bot", "note", "system"]}, "author": {"type": ["string", "null"]},
    "text": {"type": "string"}, "at": _TIME,
    "id": {"type": ["string", "null"]},  # an agent's message's id; a customer's event id
    "status": {"enum": ["sending", "delivered", "failed", None]},  # agents' messages only
}, ["seq", "session_id", "sender", "text", "at"])
ERROR = _object({"error": {"type": "string"}}, ["error"])
