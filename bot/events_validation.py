"""Rasa's HTTP API checks every body of `POST /conversations/{id}/tracker/events` with
`jsonschema.validate(events, EVENTS_SCHEMA)`. That call first checks the schema itself
against JSON Schema's meta-schema and builds a new validator, about 17 ms of CPU per
request here, while checking the events costs a quarter of a millisecond. The handoff
service posts there for every agent message, so under load the meta-schema check was
half of Rasa's CPU. This installs the same check with one validator built once: the
same schema, the same 400 answer and message for a body that does not match it."""
from __future__ import annotations

from functools import lru_cache
from http import HTTPStatus
from typing import Any


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema
    from rasa.shared.utils.schemas.events import EVENTS_SCHEMA

    cls = jsonschema.validators.validator_for(EVENTS_SCHEMA)
    cls.check_schema(EVENTS_SCHEMA)  # once, as jsonschema.validate does on every call
    return cls(EVENTS_SCHEMA)


def validate_events_in_request_body(request: Any) -> None:
    """Rasa's `rasa.server.validate_events_in_request_body`, with the validator built once."""
    import jsonschema
    from rasa.server import ErrorResponse, _docs

    events = request.json if isinstance(request.json, list) else [request.json]
    error = jsonschema.exceptions.best_match(_validator().iter_errors(events))
    if error is not None:
        raise ErrorResponse(
            HTTPStatus.BAD_REQUEST, "BadRequest",
            f"Failed to validate the events format. For more information about the format visit the docs. "
            f"Error: {error}", help_url=_docs("/pages/http-api")) from error


def install() -> None:
    import rasa.server

    rasa.server.validate_events_in_request_body = validate_events_in_request_body
