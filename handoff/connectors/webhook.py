"""Webhook connector: the context of each transfer, the customer's messages and the end
of a session are POSTed as JSON to a configured URL, signed with HMAC-SHA256 of the raw
body (header X-Handoff-Signature: sha256=<hex>). The agent side answers on the
service's signed inbound endpoint, POST /connectors/webhook/inbound:

    {"session_id": "...", "type": "message", "text": "...", "agent": "Sam"}
    {"session_id": "...", "type": "close", "return_to_bot": true, "agent": "Sam"}

HANDOFF_WEBHOOK_URL and HANDOFF_WEBHOOK_SECRET configure it; what it carries of the
customer's personal data is the `webhook` audience of privacy.yml."""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any, Dict, Mapping, Optional

from handoff.connectors.base import LiveAgentConnector
from handoff.errors import ConfigError, ConnectorUnavailable
from handoff.http import RETRYABLE, HttpClient
from handoff.service.store import Message, Session

SIGNATURE_HEADER = "X-Handoff-Signature"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: Optional[str]) -> bool:
    return bool(signature) and hmac.compare_digest(sign(secret, body), signature or "")


class WebhookConnector(LiveAgentConnector):
    def __init__(self, url: str, secret: str, timeout: float = 5.0, retries: int = 2) -> None:
        self.url, self.secret = url, secret
        self._http = HttpClient(timeout, retries)

    @classmethod
    def name(cls) -> str:
        return "webhook"

    @classmethod
    def from_config(cls, env: Mapping[str, str]) -> WebhookConnector:
        for key in ("HANDOFF_WEBHOOK_URL", "HANDOFF_WEBHOOK_SECRET"):
            if not env.get(key):
                raise ConfigError("environment", key, "must be set when HANDOFF_CONNECTOR is webhook")
        return cls(env["HANDOFF_WEBHOOK_URL"], env["HANDOFF_WEBHOOK_SECRET"])

    async def _post(self, payload: Dict[str, Any]) -> None:
        body = json.dumps(payload, sort_keys=True).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, body)}
        try:
            reply = await self._http.post(self.url, data=body, headers=headers)
        except RETRYABLE as exc:
            raise ConnectorUnavailable("webhook", f"{self.url} could not be reached ({exc.__class__.__name__})") from exc
        if not reply.ok:
            raise ConnectorUnavailable("webhook", f"{self.url} answered {reply.status}")

    async def opened(self, session: Session, context: Dict[str, Any]) -> Optional[str]:
        await self._post({"type": "handoff", "session": self.shared_session(session),
                          "context": self.shared_context(context)})
        return None

    async def customer_wrote(self, session: Session, message: Message) -> None:
        await self._post({"type": "message", "session_id": session.id, "message": self.shared_message(message)})

    async def closed(self, session: Session) -> None:
        await self._post({"type": "closed", "session_id": session.id, "status": session.status})

    async def erased(self, session: Session) -> None:
        """The helpdesk is asked to delete what it holds of this session."""
        await self._post({"type": "erased", "session_id": session.id})

    async def close(self) -> None:
        await self._http.close()
