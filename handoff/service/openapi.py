"""The service's API as OpenAPI 3.1, served at /openapi.json: every route, its
parameters, request body and answers, built from the schemas that validate the
requests (handoff.service.schemas)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from handoff.service.schemas import ERROR, MAX_ID, MESSAGE, REQUESTS, SESSION, STATUSES

ERRORS = {
    "400": "the body or a parameter is not acceptable (the error says which)",
    "401": "no token or an unknown one",
    "403": "the agent may not do this",
    "404": "no such session",
    "409": "the session is not in a state that allows it (or, for a message, its id is another message's)",
    "413": "the body is larger than HANDOFF_MAX_BODY_BYTES",
    "429": "too many requests or failed logins: wait Retry-After seconds",
    "502": "Rasa or the connector could not be reached",
    "503": "the event is being handed to the agents' desk by an earlier try: send it again shortly",
    "504": "Rasa did not answer in time: done or not, closing again is safe",
}
STATUS_LIST = f"({'|'.join(STATUSES)})"
SESSION_ID = {"name": "session_id", "in": "path", "required": True,
              "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ID}}
ONE_SESSION = {"type": "object", "properties": {"session": SESSION}, "required": ["session"]}
ONE_MESSAGE = {"type": "object", "properties": {"message": MESSAGE}, "required": ["message"]}
COUNT = {"type": ["number", "null"]}
METRICS = {"type": "object", "required": ["since", "sessions", "by_status", "by_reason", "rating"], "properties": {
    "since": {"type": ["string", "null"]}, "sessions": {"type": "integer"},
    "by_status": {"type": "object"}, "by_reason": {"type": "object"}, "by_skill": {"type": "object"},
    "left_as_message": {"type": "integer"}, "escalated": {"type": "integer"},
    "time_to_agent_seconds": {"type": "object", "properties": {"accepted": {"type": "integer"}, "p50": COUNT,
                                                               "p90": COUNT}},
    "waiting_now": {"type": "object", "properties": {"customers": {"type": "integer"}, "longest_seconds": COUNT}},
    "returned_to_bot_share": COUNT, "abandoned_share": COUNT, "queued_now": {"type": "integer"},
    "rating": {"type": "object", "properties": {"count": {"type": "integer"}, "average": COUNT,
                                                "by_value": {"type": "object"}}},
    # the bot and the desk together (handoff.insights.report)
    "until": {"type": ["string", "null"]}, "skill": {"type": ["string", "null"]},
    **{name: {"type": "object"} for name in ("containment", "error_rate", "task_completion", "speed", "csat",
                                             "cost", "load_rules")},
    "series": {"type": "array", "items": {"type": "object"}}}}
METRICS["required"] += ["containment", "error_rate", "task_completion", "csat", "cost"]


SWITCH = {"type": "object", "required": ["skill", "enabled", "reason", "actor", "source", "changed_at"],
          "properties": {"skill": {"type": "string"}, "enabled": {"type": "boolean"}, "reason": {"type": "string"},
                         "actor": {"type": "string"}, "source": {"enum": ["manual", "auto"]},
                         "changed_at": {"type": "string"}}}
SWITCHES = {"type": "object", "required": ["switches", "off"], "properties": {
    "switches": {"type": "array", "items": SWITCH}, "off": {"type": "array", "items": {"type": "string"}}}}
STAFFING = {"type": "object", "required": ["week_start", "service_level", "handle_seconds", "hours"], "properties": {
    "skill": {"type": ["string", "null"]}, "week_start": {"type": "string"}, "history_weeks": {"type": "integer"},
    "service_level": {"type": "number"}, "answer_within_seconds": {"type": "number"},
    "handle_seconds": {"type": "number"}, "handle_time_from": {"enum": ["history", "configuration"]},
    "peak_agents": {"type": "integer"},
    "hours": {"type": "array", "items": {"type": "object", "required": ["hour_of_week", "agents_needed"]}}}}
DESK_STATE = {"type": "object", "required": ["off", "load"], "properties": {
    "off": {"type": "object", "additionalProperties": {"type": "string"}},
    "load": {"type": "object", "required": ["state", "free_places", "waiting", "estimated_wait_seconds"],
             "properties": {"state": {"enum": ["busy", "idle", "normal", "closed"]},
                            "agents_present": {"type": "integer"}, "free_places": {"type": "integer"},
                            "waiting": {"type": "integer"}, "estimated_wait_seconds": {"type": "integer"},
                            "why": {"type": "string"}}}}}


def _json(schema: Dict[str, Any], description: str = "ok") -> Dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(summary: str, ok: Dict[str, Dict[str, Any]], errors: str, body: Optional[str] = None,
        parameters: Optional[List[Dict[str, Any]]] = None, security: str = "agent") -> Dict[str, Any]:
    codes = errors.split() + ["401", "429"] + (["413"] if body else [])
    responses: Dict[str, Any] = {code: _json(schema) for code, schema in ok.items()}
    for code in sorted(set(codes)):
        responses[code] = _json({"$ref": "#/components/schemas/Error"}, ERRORS[code])
    responses["429"]["headers"] = {"Retry-After": {"required": True, "schema": {"type": "string",
                                                                                "pattern": "^[0-9]+$"}}}
    operation: Dict[str, Any] = {"summary": summary, "security": [{security: []}], "responses": responses}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": REQUESTS[body]}}}
    if parameters:
        operation["parameters"] = parameters
    return operation


def _query(name: str, schema: Dict[str, Any], description: str) -> Dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _message_op() -> Dict[str, Any]:
    """201 delivered; 202 stored with its delivery not known yet; the same `id` again is the same message."""
    operation = _op("Write to the customer (at most once per id; the service makes one if absent)",
                    {"201": ONE_MESSAGE, "202": ONE_MESSAGE}, "400 403 404 409 502", body="message")
    operation["responses"]["201"]["description"] = "delivered (status: delivered)"
    operation["responses"]["202"]["description"] = "stored; delivery not known yet (status: sending)"
    return operation


def _metrics_op() -> Dict[str, Any]:
    operation = _op("The desk in figures: containment, errors, tasks, speed, CSAT, cost, reasons, endings",
                    {"200": METRICS}, "400", parameters=[
                        _query("since", {"type": "string", "format": "date-time"},
                               "ISO date or time (default: from the first conversation)"),
                        _query("until", {"type": "string", "format": "date-time"},
                               "ISO date or time, not included (default: now)"),
                        _query("skill", {"type": "string"}, "only this skill"),
                        _query("format", {"enum": ["json", "csv"]}, "csv: one 'metric,value' row per figure")])
    operation["responses"]["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    return operation


AUDIT_ENTRY = {"type": "object", "required": ["seq", "at", "actor", "kind", "subject", "hash", "prev_hash"],
               "properties": {"seq": {"type": "integer", "minimum": 1}, "at": {"type": "string"},
                              "actor": {"type": "string"}, "kind": {"type": "string"},
                              "subject": {"type": "string"}, "detail": {"type": "object"},
                              "source": {"type": "string"},
                              "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                              "prev_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}


def _audit_op() -> Dict[str, Any]:
    """Supervisors only; format=csv answers a CSV file with the same columns."""
    operation = _op("The audit log (supervisors): who did what, when, from where; hash-chained",
                    {"200": {"type": "object", "properties": {"entries": {"type": "array", "items": AUDIT_ENTRY}},
                             "required": ["entries"]}}, "400 403",
                    parameters=[_query("since", {"type": "string", "format": "date-time"}, "ISO date or time"),
                                _query("until", {"type": "string", "format": "date-time"}, "ISO date or time"),
                                _query("kind", {"type": "string"}, "only this kind (accept, note, login...)"),
                                _query("actor", {"type": "string"}, "only this actor"),
                                _query("format", {"enum": ["json", "csv"]}, "json (default) or csv")])
    operation["responses"]["200"]["content"]["text/csv"] = {"schema": {"type": "string"}}
    return operation


def _prometheus_op() -> Dict[str, Any]:
    """No token unless HANDOFF_METRICS_TOKEN is set (then 401 without it)."""
    operation = _op("The service in the Prometheus text format (queue, waits, sessions, agents, relay, triggers)",
                    {}, "", security="metrics")
    operation["security"] = [{}, {"metrics": []}]
    operation["responses"]["200"] = {"description": "ok", "content": {
        "text/plain": {"schema": {"type": "string"}}}}
    return operation


def spec() -> Dict[str, Any]:
    from handoff.service.openapi_qa import qa_paths

    with_id = {"parameters": [SESSION_ID]}
    opened = {"type": "object", "required": ["session", "position", "estimated_wait_seconds", "on_duty"],
              "properties": {"session": SESSION, "position": {"type": "integer"},
                             "estimated_wait_seconds": {"type": "integer"}, "on_duty": {"type": "boolean"},
                             "reason": {"type": ["string", "null"]},
                             "instead": {"enum": ["callback", "message"],
                                         "description": "the desk is busy: a callback or a message instead of "
                                                        "a place in the queue (handoff.yml load.busy)"}}}
    me = {"type": "object", "required": ["name", "skills", "capacity", "supervisor"], "properties": {
        "name": {"type": "string"}, "skills": {"type": "array", "items": {"type": "string"}},
        "capacity": {"type": "integer"}, "supervisor": {"type": "boolean"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Handoff service", "version": "1",
                 "description": "Agents use their own token; the action server and Rasa's event broker use "
                                "HANDOFF_SERVICE_TOKEN. Both as 'Authorization: Bearer <token>'."},
        "components": {
            "securitySchemes": {"agent": {"type": "http", "scheme": "bearer"},
                                "service": {"type": "http", "scheme": "bearer"},
                                "metrics": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
        },
        "paths": {
            "/api/handoffs": {"post": _op(
                "Open a session for a transferred conversation (action server)", {"201": opened}, "400 502",
                body="handoff", security="service")},
            "/api/events": {"post": _op(
                "A Rasa event; a customer's message during a handoff reaches the agent (event broker)",
                {"200": {"type": "object", "required": ["relayed"], "description": "not relayed, or a redelivery "
                         "(the same handoff_event_id): taken, not stored twice", "properties": {
                             "relayed": {"type": "boolean"}, "duplicate": {"const": True}, "message": MESSAGE}},
                 "201": {"type": "object", "properties": {"relayed": {"const": True}, "duplicate": {"const": False},
                                                         "message": MESSAGE},
                         "required": ["relayed", "message"]}}, "400 503", body="event", security="service")},
            "/api/ratings": {"post": _op(
                "The customer's 1-5 rating of a handed-back session, once (action server)", {"200": ONE_SESSION},
                "400 404 409", body="rating", security="service")},
            "/api/me": {"get": _op("The agent the token belongs to", {"200": me}, "")},
            "/api/metrics": {"get": _metrics_op()},
            "/metrics": {"get": _prometheus_op()},
            "/api/kill-switch": {
                "get": _op("The kill switch: skills with the bot off (agents, or the service token)",
                           {"200": SWITCHES}, ""),
                "put": _op("Switch the bot off (enabled: true) or back on for a skill or '*' (supervisors)",
                           {"200": {"type": "object", "properties": {"switch": SWITCH}, "required": ["switch"]}},
                           "400 403", body="kill_switch")},
            "/api/staffing": {"get": _op(
                "Agents needed per hour of a week by Erlang C, forecast against what happened (supervisors)",
                {"200": STAFFING}, "400 403",
                parameters=[_query("week", {"type": "string", "format": "date-time"},
                                   "a day of the week to forecast (default: this week)"),
                            _query("skill", {"type": "string"}, "only this skill")])},
            "/api/desk-state": {"get": _op(
                "What the handoff policy polls: skills with the bot off and the desk's load", {"200": DESK_STATE}, "")},
            "/api/audit": {"get": _audit_op()},
            "/api/agents": {"get": _op(
                "The agents who may log in (admins): role, skills, capacity, whether the token is a legacy hash",
                {"200": {"type": "object", "required": ["agents"], "properties": {"agents": {"type": "array", "items": {
                    "type": "object", "required": ["name", "role", "skills", "capacity", "legacy_token"],
                    "properties": {"name": {"type": "string"}, "role": {"enum": ["agent", "supervisor", "admin"]},
                                   "skills": {"type": "array", "items": {"type": "string"}},
                                   "capacity": {"type": "integer"}, "display_name": {"type": "string"},
                                   "legacy_token": {"type": "boolean"}}}}}}}, "403")},
            "/api/sessions": {"get": _op(
                "Sessions, most urgent then longest waiting",
                {"200": {"type": "object", "properties": {"sessions": {"type": "array", "items": SESSION}},
                         "required": ["sessions"]}}, "400",
                parameters=[_query("status", {"type": "string", "pattern": f"^{STATUS_LIST}(,{STATUS_LIST})*$"},
                                   "comma-separated statuses (default: the open ones)"),
                            _query("skill", {"type": "string"}, "only this queue")])},
            "/api/sessions/{session_id}": {**with_id, "get": _op(
                "The session, its context and its messages",
                {"200": {"type": "object", "properties": {"session": SESSION, "messages": {
                    "type": "array", "items": MESSAGE}, "relay": {
                        "type": "object", "description": "customer messages still on their way to the service",
                        "properties": {"pending": {"type": "integer", "minimum": 0}}, "required": ["pending"]}},
                    "required": ["session", "messages"]}}, "400 404",
                parameters=[_query("after", {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                                   "only messages after this seq")])},
            "/api/sessions/{session_id}/accept": {**with_id, "post": _op(
                "Take the session", {"200": ONE_SESSION}, "403 404 409")},
            "/api/sessions/{session_id}/messages": {**with_id, "post": _message_op()},
            "/api/sessions/{session_id}/notes": {**with_id, "post": _op(
                "An internal note, never shown to the customer", {"201": ONE_MESSAGE}, "400 404", body="text")},
            "/api/sessions/{session_id}/transfer": {**with_id, "post": _op(
                "Back to the queue for another skill or agent", {"200": ONE_SESSION}, "400 403 404 409",
                body="transfer")},
            "/api/sessions/{session_id}/erase": {**with_id, "post": _op(
                "Erase the customer's data (supervisors): the chat is closed, the conversation removed from Rasa's "
                "tracker store, the sessions and the bookings; an audit entry with counts stays",
                {"200": {"type": "object", "required": ["erased"], "properties": {"erased": {
                    "type": "object", "required": ["request", "deleted"], "properties": {
                        "request": {"type": "string"}, "by": {"type": "string"},
                        "conversations": {"type": "integer"}, "deleted": {"type": "object"},
                        "skipped": {"type": "array", "items": {"type": "string"}},
                        "desk": {"type": "string", "description": "the connector's copy: done, or why not"},
                        "audit_seq": {"type": "integer"}}}}}},
                "400 403 404 409 502 504", body="erase")},
            "/api/sessions/{session_id}/close": {**with_id, "post": _op(
                "End the chat; return_to_bot hands the customer back to the bot (again after a fault: safe)",
                {"200": ONE_SESSION}, "400 403 404 409 502 504", body="close")},
            **qa_paths(_op, _query),
        },
    }
