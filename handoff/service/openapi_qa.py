"""The quality loop's part of the OpenAPI document (handoff.service.openapi): reviews,
the domain's catalogue, corrections and the agent assist."""
from __future__ import annotations

from typing import Any, Dict

from handoff.qa.rubric import KINDS
from handoff.service.schemas import MAX_ID

_TEXT = {"type": "string"}
_MAYBE = {"type": ["string", "null"]}
FINDING = {"type": "object", "required": ["kind", "turn", "detail"], "properties": {
    "kind": {"enum": list(KINDS)}, "turn": {"type": "integer", "minimum": 0}, "detail": _TEXT,
    "value": {"type": ["number", "null"]}, "evidence": _TEXT}}
REVIEW = {"type": "object", "required": ["conversation_id", "score", "findings"], "properties": {
    "conversation_id": _TEXT, "score": {"type": "number", "minimum": 0, "maximum": 100},
    "flagged": {"type": "boolean"}, "turns": {"type": "integer"}, "findings": {"type": "array", "items": FINDING},
    "skill": _MAYBE, "agent": _MAYBE, "session_id": _MAYBE, "ended_at": _MAYBE, "scored_at": _MAYBE,
    "lines": {"type": "array", "items": {"type": "object", "required": ["turn", "speaker", "text"]}}}}
CORRECTION = {"type": "object", "required": ["id", "conversation_id", "turn", "kind", "status", "author",
                                             "created_at"], "properties": {
    "id": _TEXT, "conversation_id": _TEXT, "turn": {"type": "integer"},
    "kind": {"enum": ["wrong_answer", "should_handoff", "should_not_handoff"]}, "expected": _MAYBE, "note": _TEXT,
    "text": _TEXT, "answered": _TEXT, "author": _TEXT, "created_at": _TEXT,
    "status": {"enum": ["pending", "approved", "rejected"]}, "decided_by": _MAYBE, "decided_at": _MAYBE,
    "decision_note": _MAYBE, "exported_at": _MAYBE}}
ONE_CORRECTION = {"type": "object", "required": ["correction"], "properties": {"correction": CORRECTION}}
SUGGESTION = {"type": "object", "required": ["kind", "title", "text"], "properties": {
    "kind": {"enum": ["faq", "order", "slots"]}, "title": _TEXT, "text": _TEXT,
    "score": {"type": ["number", "null"]}}}


def _path_id(name: str) -> Dict[str, Any]:
    return {"parameters": [{"name": name, "in": "path", "required": True,
                            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_ID}}]}


def qa_paths(op: Any, query: Any) -> Dict[str, Any]:
    """`op` and `query` are handoff.service.openapi's operation and parameter builders."""
    conversation, correction = _path_id("conversation_id"), _path_id("correction_id")
    return {
        "/api/qa": {"get": op(
            "Reviewed conversations, worst score first (agents: their own)",
            {"200": {"type": "object", "required": ["results"], "properties": {
                "results": {"type": "array", "items": REVIEW}}}}, "400 403",
            parameters=[query("finding", {"enum": list(KINDS)}, "only conversations with this finding"),
                        query("skill", {"type": "string"}, "only this queue"),
                        query("agent", {"type": "string"}, "only this agent's conversations"),
                        query("day", {"type": "string", "format": "date"}, "ended on this day (UTC)"),
                        query("flagged", {"enum": ["true", "false"]}, "flagged (below qa.yml's flag_below) or not"),
                        query("limit", {"type": "integer", "minimum": 0, "maximum": 2**63 - 1}, "at most (500)")])},
        "/api/qa/{conversation_id}": {**conversation, "get": op(
            "A conversation's score, findings and transcript", {"200": REVIEW}, "400 403 404")},
        "/api/qa/{conversation_id}/review": {**conversation, "post": op(
            "Review the conversation now (supervisors)", {"200": REVIEW}, "400 403 409 502", body="empty")},
        "/api/catalogue": {"get": op(
            "The domain's intents and FAQs, what a correction may name", {"200": {
                "type": "object", "required": ["intents", "faqs"], "properties": {
                    "intents": {"type": "array", "items": _TEXT}, "out_of_scope": _TEXT,
                    "faqs": {"type": "array", "items": {"type": "object", "required": ["key", "answer"]}}}}}, "")},
        "/api/corrections": {
            "post": op("Mark a bot turn: a wrong answer (with what it should have been), should or should not have "
                       "handed off", {"201": {"type": "object", "required": ["id", "correction"], "properties": {
                           "id": _TEXT, "correction": CORRECTION}}}, "400 404 409 502", body="correction"),
            "get": op("Corrections, newest first (agents: their own)", {"200": {
                "type": "object", "required": ["corrections"], "properties": {
                    "corrections": {"type": "array", "items": CORRECTION}}}}, "400",
                parameters=[query("status", {"type": "string", "pattern": "^(pending|approved|rejected)"
                                             "(,(pending|approved|rejected))*$"}, "comma-separated statuses"),
                            query("conversation_id", {"type": "string"}, "only this conversation's")])},
        "/api/corrections/{correction_id}/approve": {**correction, "post": op(
            "Approve a correction (supervisors): it may leave the desk as training data", {"200": ONE_CORRECTION},
            "400 403 404 409", body="decision")},
        "/api/sessions/{session_id}/assist": {**_path_id("session_id"), "get": op(
            "What the bot would answer the customer's last message: FAQ answers with their score, the verified "
            "order's status, free slots", {"200": {"type": "object", "required": ["message", "suggestions"],
                                                   "properties": {"message": _MAYBE, "intent": _MAYBE,
                                                                  "coverage": {"type": ["object", "null"]},
                                                                  "suggestions": {"type": "array", "items": SUGGESTION},
                                                                  "problems": {"type": "array", "items": _TEXT}}}},
            "404")},
        "/api/corrections/{correction_id}/reject": {**correction, "post": op(
            "Reject a correction (supervisors)", {"200": ONE_CORRECTION}, "400 403 404 409", body="decision")},
    }
