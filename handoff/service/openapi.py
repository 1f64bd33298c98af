"""The agent API as OpenAPI 3.0, served at /openapi.json."""
from __future__ import annotations

from typing import Any, Dict, Optional

ERROR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
SESSION_ID = {"name": "session_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _op(summary: str, body: Optional[Dict[str, Any]] = None, ok: str = "200", errors: str = "401 404",
        required: bool = True) -> Dict[str, Any]:
    operation: Dict[str, Any] = {"summary": summary, "responses": {ok: {"description": "ok"}}}
    operation["responses"].update({code: ERROR for code in errors.split()})
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": body, "required": list(body) if required else []}}}}
    return operation


def _message_op() -> Dict[str, Any]:
    """201 delivered; 202 stored with its delivery not known yet; the same `id` again is the same message."""
    operation = _op("Write to the customer (at most once per id)", {"text": {"type": "string"}, "id": {
        "type": "string", "maxLength": 80, "description": "the message's id; made by the service if absent"}},
        "201", "400 401 403 404 409 502", required=False)
    operation["requestBody"]["content"]["application/json"]["schema"]["required"] = ["text"]
    operation["responses"]["202"] = {"description": "stored; delivery not known yet (status: sending)"}
    return operation


def spec() -> Dict[str, Any]:
    with_id = {"parameters": [SESSION_ID]}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Handoff service: agent API", "version": "1"},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "properties": {"error": {"type": "string"}}}},
        },
        "security": [{"bearer": []}],
        "paths": {
            "/api/handoffs": {"post": _op("Open a session for a transferred conversation (action server)",
                                          {"context": {"type": "object"}}, "201", "400 401")},
            "/api/me": {"get": _op("The agent the token belongs to", errors="401")},
            "/api/metrics": {"get": {**_op("The desk in figures: reasons, time to agent, endings, ratings",
                                           errors="400 401"),
                                     "parameters": [{"name": "since", "in": "query", "schema": {"type": "string"},
                                                     "description": "ISO date or time (default: every session)"}]}},
            "/api/sessions": {"get": {**_op("Sessions, most urgent then longest waiting", errors="400 401"),
                                      "parameters": [
                                          {"name": "status", "in": "query", "schema": {"type": "string"},
                                           "description": "comma-separated: queued, assigned, active, resolved, "
                                                          "returned, abandoned (default: the open ones)"},
                                          {"name": "skill", "in": "query", "schema": {"type": "string"}}]}},
            "/api/sessions/{session_id}": {**with_id, "get": _op("The session, its context and messages")},
            "/api/sessions/{session_id}/accept": {**with_id, "post": _op("Take the session", errors="401 403 404 409")},
            "/api/sessions/{session_id}/messages": {**with_id, "post": _message_op()},
            "/api/sessions/{session_id}/notes": {**with_id, "post": _op(
                "An internal note, never shown to the customer", {"text": {"type": "string"}}, "201", "400 401 404")},
            "/api/sessions/{session_id}/transfer": {**with_id, "post": _op(
                "Back to the queue for another skill or agent",
                {"skill": {"type": "string"}, "agent": {"type": "string"}}, errors="400 401 403 404 409", required=False)},
            "/api/sessions/{session_id}/close": {**with_id, "post": _op(
                "End the chat; return_to_bot hands the customer back to the bot",
                {"return_to_bot": {"type": "boolean"}}, errors="400 401 403 404 409 502")},
        },
    }
