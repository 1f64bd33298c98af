"""The audit log for supervisors: GET /api/audit with filters (since, until, kind,
actor), as JSON or, with format=csv, as a CSV file."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from typing import Optional

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.audit import AuditLog
from handoff.errors import BadRequest
from handoff.service import auth, guard, inputs

COLUMNS = ("seq", "at", "actor", "kind", "subject", "detail", "source", "prev_hash", "hash")
MAX_ENTRIES = 10_000


def blueprint() -> Blueprint:
    bp = Blueprint("audit")

    @bp.get("/api/audit")
    async def audit(request: Request) -> HTTPResponse:
        agent = auth.supervisor(request)
        log: AuditLog = request.app.ctx.audit
        fmt = inputs.query(request, "format") or "json"
        if fmt not in ("json", "csv"):
            raise BadRequest(f"'format' is '{fmt[:20]}'; use json or csv")
        found = await log.entries(_moment(request, "since"), _moment(request, "until"),
                                  inputs.query(request, "kind") or None, inputs.query(request, "actor") or None,
                                  MAX_ENTRIES)
        await log.record(agent.name, "audit_export", "audit", {"format": fmt, "entries": len(found)},
                         guard.address(request))
        if fmt == "json":
            return response.json({"entries": [e.as_dict() for e in found]})
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for entry in found:
            row = entry.as_dict()
            writer.writerow([json.dumps(row[c], sort_keys=True) if c == "detail" else row[c] for c in COLUMNS])
        return response.text(out.getvalue(), content_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"'})

    return bp


def _moment(request: Request, name: str) -> Optional[datetime]:
    value = inputs.query(request, name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise BadRequest(f"'{name}' is '{value[:40]}'; give an ISO date or time such as 2026-11-01 or "
                         "2026-11-01T09:00:00+00:00") from exc
