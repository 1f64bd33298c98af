"""Erasure and retention in the service: a customer's "delete my data" in the chat (the
privacy_data topic of handoff.yml) marks the session as an erasure request for a person
to confirm; a supervisor's confirmation closes the chat and erases the conversation from
every store; retention runs every `every_hours`. Each leaves an audit entry with counts."""
from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any, Dict, Mapping

from sanic import Sanic

from handoff.errors import ConnectorUnavailable
from handoff.retention.eraser import Eraser, from_env
from handoff.service.store import Session

logger = logging.getLogger(__name__)
ERASURE_TOPICS = ("privacy_data",)  # handoff.yml sensitive topics that are a request to erase
REQUEST_NOTE = ("The customer asked for their data to be deleted. Confirm who they are; then a supervisor erases "
                "this conversation from every store (POST /api/sessions/{id}/erase with {{\"confirm\": true}}, or "
                "'python -m handoff erase --conversation <id>'), and the customer is told it is done.")


def eraser(app: Sanic) -> Eraser:
    """Every store as configured (RASA_ENDPOINTS, default endpoints.yml), this service's own database;
    made once (its engines are kept)."""
    if getattr(app.ctx, "eraser", None) is None:
        from bot.urls import apply_defaults

        env = dict(os.environ)
        apply_defaults(env)
        app.ctx.eraser = from_env(env, Path(env.get("RASA_ENDPOINTS", "endpoints.yml")), app.ctx.store.engine)
    return app.ctx.eraser


def is_erasure_request(context: Mapping[str, Any]) -> bool:
    return any(str(r.get("reason", "")).split(":")[-1] in ERASURE_TOPICS for r in context.get("reasons") or []
               if isinstance(r, Mapping))


async def mark_request(app: Sanic, session: Session, source: str) -> None:
    await app.ctx.store.add_message(session.id, "system", REQUEST_NOTE.format(id=session.id))
    await app.ctx.audit.record("bot", "erasure_request", session.id, {}, source)


async def tell_desk(app: Sanic, session: Session) -> str:
    """The connector's copy goes too, where its API allows: "done", or why not."""
    try:
        await app.ctx.connector.erased(session)
    except ConnectorUnavailable as exc:
        logger.error("session %s: the desk's copy could not be erased: %s", session.id, exc)
        return f"failed: {exc}"
    return "done"


async def erase_conversation(app: Sanic, session: Session, actor: str, source: str) -> Dict[str, Any]:
    desk = await tell_desk(app, session)
    outcome = await asyncio.get_running_loop().run_in_executor(None, lambda: eraser(app).erase(
        [session.conversation_id]))
    detail = {**outcome.as_detail("conversation"), "desk": desk}
    entry = await app.ctx.audit.record(actor, "erasure", outcome.request, detail, source)
    return {**detail, "audit_seq": entry.seq}


async def run_retention(app: Sanic) -> None:
    retention = app.ctx.privacy.retention
    while True:
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(None, lambda: eraser(app).expire(retention))
            await app.ctx.audit.record("system", "retention", outcome.request, outcome.as_detail("retention"),
                                       "local")
        except Exception as exc:  # a store down today is tried again next time; the job goes on
            logger.error("retention could not be applied: %r", exc)
        await asyncio.sleep(retention.every_hours * 3600)
