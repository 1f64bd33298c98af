"""Exceptions of the handoff package.

HandoffError
├── ConfigError      handoff.yml has a wrong key, type or value (names file, key, what is allowed)
├── SessionError     a live-agent session cannot do what was asked
│   ├── SessionNotFound   no session with that id
│   ├── SessionConflict   the session is not in a state that allows it (already taken, closed...)
│   ├── CapacityReached   the agent already has as many open chats as they may
│   └── MessageIdTaken    a message id given again with another text
├── RequestError     a request to the handoff service is not acceptable
│   ├── BadRequest        malformed body or parameter (400)
│   ├── Unauthorized      no or unknown token (401)
│   ├── Forbidden         the agent may not do this (403)
│   └── NotFound          something the request names does not exist (404)
├── RasaUnavailable  the Rasa server could not be reached or refused a call
│   └── DeliveryUnknown   Rasa did not answer in time: the call may or may not have been done
├── ConnectorUnavailable  a live-agent connector (webhook, Chatwoot) failed
└── RelayBusy        a customer's message is being handed to the desk by another try (503: try again)
"""
from __future__ import annotations


class HandoffError(Exception):
    """Root of every error raised by the handoff package."""


class ConfigError(HandoffError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source}: '{key}' {problem}")


class SessionError(HandoffError):
    def __init__(self, session_id: str, message: str) -> None:
        self.session_id = session_id
        super().__init__(message)


class SessionNotFound(SessionError):
    def __init__(self, session_id: str) -> None:
        super().__init__(session_id, f"no session '{session_id}': list sessions with GET /api/sessions")


class SessionConflict(SessionError):
    def __init__(self, session_id: str, status: str, wanted: str) -> None:
        self.status = status
        super().__init__(session_id, f"session '{session_id}' is {status}, so it cannot be {wanted}; "
                                     "reload the queue to see its current state")


class CapacityReached(SessionError):
    def __init__(self, agent: str, open_chats: int, capacity: int) -> None:
        self.agent, self.open_chats, self.capacity = agent, open_chats, capacity
        super().__init__("", f"{agent} has {open_chats} open chats and the limit is {capacity}; close or hand "
                             "back one first")


class MessageIdTaken(SessionError):
    def __init__(self, session_id: str, key: str) -> None:
        self.key = key
        super().__init__(session_id, f"the id '{key}' is another message's in this session; give a new message "
                                     "a new id (the same id is for sending the same text again)")


class RequestError(HandoffError):
    status = 400


class BadRequest(RequestError):
    status = 400


class Unauthorized(RequestError):
    status = 401


class Forbidden(RequestError):
    status = 403


class NotFound(RequestError):
    status = 404


class RasaUnavailable(HandoffError):
    def __init__(self, url: str, problem: str) -> None:
        self.url = url
        super().__init__(f"Rasa at {url} {problem}; check that it runs with --enable-api and the same RASA_TOKEN")


class DeliveryUnknown(RasaUnavailable):
    """The request left but no answer came back: look before sending it again."""


class ConnectorUnavailable(HandoffError):
    def __init__(self, connector: str, problem: str) -> None:
        self.connector = connector
        super().__init__(f"the {connector} connector failed: {problem}; check its URL and credentials")


class RelayBusy(HandoffError):
    def __init__(self, session_id: str, event_id: str) -> None:
        self.session_id, self.event_id = session_id, event_id
        super().__init__(f"event {event_id} of session {session_id} is being handed to the agents' desk by an "
                         "earlier try; send it again in a moment")
