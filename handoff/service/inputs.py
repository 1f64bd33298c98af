"""Reading request bodies and parameters; anything malformed raises BadRequest with
a message that says what to send instead."""
from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from typing import Any, Dict, Optional

from jsonschema import Draft202012Validator
from sanic import Request

from handoff.errors import BadRequest
from handoff.service.schemas import MAX_TEXT, REQUESTS

_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in REQUESTS.items()}


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; send a finite number or null")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large for a number; send a finite number")
    return value


def body(request: Request) -> Dict[str, Any]:
    """The request's JSON object, read strictly: NaN and Infinity are refused, not stored."""
    try:
        value = json.loads(request.body or b"", parse_constant=_no_constants, parse_float=_finite)
    except ValueError as exc:
        raise BadRequest(f"the body is not valid JSON ({exc})") from exc
    if not isinstance(value, dict):
        raise BadRequest("the body must be a JSON object")
    return value


def valid(request: Request, schema: str) -> Dict[str, Any]:
    """The body, read strictly and checked against its schema in handoff.service.schemas
    (the same one /openapi.json publishes)."""
    value = body(request)
    error = next(iter(sorted(_VALIDATORS[schema].iter_errors(value), key=lambda e: list(e.path))), None)
    if error is not None:
        where = ".".join(str(part) for part in error.absolute_path) or "the body"
        raise BadRequest(f"'{where}' is not acceptable: {error.message[:300]}; see /openapi.json")
    return value


def capped_event(event: Dict[str, Any]) -> Dict[str, Any]:
    """A Rasa event with its text cut to MAX_TEXT, whichever way it came (HTTP or RabbitMQ):
    Rasa's channels cut customers' messages already; this holds for any other sender."""
    if isinstance(event.get("text"), str) and len(event["text"]) > MAX_TEXT:
        return {**event, "text": event["text"][:MAX_TEXT] + "…"}
    return event


def text(data: Dict[str, Any], key: str = "text") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadRequest(f"'{key}' must be a non-empty string")
    if len(value) > MAX_TEXT:
        raise BadRequest(f"'{key}' is {len(value)} characters; the limit is {MAX_TEXT}")
    return value.strip()


def query(request: Request, name: str) -> Optional[str]:
    """A query parameter as given (an empty value included), or None when it is absent."""
    return request.get_args(keep_blank_values=True).get(name)


def since(value: Optional[str]) -> Optional[datetime]:
    if value is None:
        return None
    try:  # Python 3.10's fromisoformat does not read the "Z" of JavaScript's toISOString()
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError as exc:
        raise BadRequest(f"'since' is '{value}'; give an ISO date or time such as 2026-11-01 or "
                         "2026-11-01T09:00:00+00:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def whole(value: Optional[str], name: str, default: int = 0) -> int:
    """A query parameter that must be a whole number of at least 0 (and fit in 64 bits)."""
    if value is None:
        return default
    if not value.isdigit() or int(value) > 2**63 - 1:
        raise BadRequest(f"'{name}' is '{value[:40]}'; it must be a whole number from 0 to {2**63 - 1}")
    return int(value)
