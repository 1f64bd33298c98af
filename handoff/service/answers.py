"""Every answer of the service is strict JSON, errors included.

``strict_json`` is the app's serializer: a number that JSON cannot carry (NaN,
Infinity, from a careless client) becomes null instead of a token that browsers
refuse, which would blank the console for every agent. ``register_error_answers``
maps errors to statuses in one place: the package's own errors by kind, sanic's
(404, 405, 413...) with their status, and anything unexpected to a 500 that names no
internals (the details go to the log)."""
from __future__ import annotations

import logging

from sanic import Request, Sanic, response
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse

from handoff.strict_json import dumps as strict_json
from handoff.errors import (CapacityReached, ConnectorUnavailable, DeliveryUnknown, HandoffError, MessageIdTaken,
                            RasaUnavailable, RelayBusy, RequestError, SessionConflict, SessionNotFound)

logger = logging.getLogger(__name__)
STATUSES = {SessionNotFound: 404, SessionConflict: 409, CapacityReached: 409, MessageIdTaken: 409,
            RasaUnavailable: 502, DeliveryUnknown: 504, ConnectorUnavailable: 502, RelayBusy: 503}
GENERIC = {404: "there is nothing at this address: see /openapi.json for the API",
           405: "this address does not take that method: see /openapi.json",
           413: "the request is too large"}


def register_error_answers(app: Sanic) -> None:
    @app.exception(HandoffError)
    async def handoff_error(request: Request, exc: HandoffError) -> HTTPResponse:
        status = exc.status if isinstance(exc, RequestError) else STATUSES.get(type(exc), 500)
        return response.json({"error": str(exc)}, status=status, dumps=strict_json)

    @app.exception(ValueError)
    async def bad_value(request: Request, exc: ValueError) -> HTTPResponse:
        return response.json({"error": str(exc)}, status=400, dumps=strict_json)

    @app.exception(IsADirectoryError, FileNotFoundError)
    async def no_file(request: Request, exc: OSError) -> HTTPResponse:
        return response.json({"error": GENERIC[404]}, status=404, dumps=strict_json)

    @app.exception(SanicException)
    async def sanic_error(request: Request, exc: SanicException) -> HTTPResponse:
        status = getattr(exc, "status_code", 500) or 500
        text = GENERIC.get(status) or (str(exc) if status < 500 else "the service failed; try again")
        headers = {k: v for k, v in (getattr(exc, "headers", None) or {}).items() if k == "Allow"}  # 405's
        return response.json({"error": text}, status=status, headers=headers, dumps=strict_json)

    @app.exception(Exception)
    async def unexpected(request: Request, exc: Exception) -> HTTPResponse:
        logger.exception("%s %s failed", request.method, request.path)
        return response.json({"error": "the service failed on this request; try again, and tell the operator "
                              "if it keeps failing"}, status=500, dumps=strict_json)
