"""Chatwoot connector: each transfer becomes a Chatwoot conversation in an API inbox,
through Chatwoot's application API (header `api_access_token`):

  POST /api/v1/accounts/{account}/contacts                       the customer (identifier = Rasa's id)
  POST /api/v1/accounts/{account}/conversations                  with the contact inbox's source_id
  POST /api/v1/accounts/{account}/conversations/{id}/messages    the context as a private note,
                                                                 then the customer's messages (incoming)
  POST /api/v1/accounts/{account}/conversations/{id}/toggle_status   resolved when the session ends

Agents answer in Chatwoot; its webhook (events message_created and
conversation_status_changed) posts to /connectors/chatwoot/webhook/{HANDOFF_CHATWOOT_WEBHOOK_TOKEN}:
an agent's outgoing, non-private message goes to the customer; "resolved" hands the
customer back to the bot. Chatwoot's stable releases do not sign webhooks, hence the
secret in the URL."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from handoff.connectors.base import LiveAgentConnector
from handoff.errors import ConfigError, ConnectorUnavailable
from handoff.http import RETRYABLE, HttpClient
from handoff.service.store import Message, Session

SETTINGS = ("HANDOFF_CHATWOOT_URL", "HANDOFF_CHATWOOT_ACCOUNT_ID", "HANDOFF_CHATWOOT_INBOX_ID",
            "HANDOFF_CHATWOOT_API_TOKEN", "HANDOFF_CHATWOOT_WEBHOOK_TOKEN")


def context_note(context: Dict[str, Any]) -> str:
    """What the agent reads first in Chatwoot: summary, reasons, transcript."""
    lines: List[str] = [f"Handed over by the shop assistant ({context.get('priority', 'normal')} priority, "
                        f"{context.get('skill', 'general')}).", "", str(context.get("summary", "")), "", "Why:"]
    lines += [f"- {r.get('trigger')}: {r.get('detail')} (value {r.get('value')}, threshold {r.get('threshold')})"
              for r in context.get("reasons", [])]
    lines += ["", "Conversation so far:"]
    lines += [f"{line.get('speaker')}: {line.get('text')}" for line in context.get("transcript", [])]
    return "\n".join(lines)


class ChatwootConnector(LiveAgentConnector):
    def __init__(self, url: str, account_id: str, inbox_id: int, api_token: str, webhook_token: str,
                 timeout: float = 10.0, retries: int = 2) -> None:
        self.base = f"{url.rstrip('/')}/api/v1/accounts/{account_id}"
        self.inbox_id, self.webhook_token = inbox_id, webhook_token
        self._http = HttpClient(timeout, retries, headers={"api_access_token": api_token})

    @classmethod
    def name(cls) -> str:
        return "chatwoot"

    @classmethod
    def from_config(cls, env: Mapping[str, str]) -> ChatwootConnector:
        for key in SETTINGS:
            if not env.get(key):
                raise ConfigError("environment", key, "must be set when HANDOFF_CONNECTOR is chatwoot")
        if not env["HANDOFF_CHATWOOT_INBOX_ID"].isdigit():
            raise ConfigError("environment", "HANDOFF_CHATWOOT_INBOX_ID", "must be the number of an API inbox")
        return cls(env["HANDOFF_CHATWOOT_URL"], env["HANDOFF_CHATWOOT_ACCOUNT_ID"],
                   int(env["HANDOFF_CHATWOOT_INBOX_ID"]), env["HANDOFF_CHATWOOT_API_TOKEN"],
                   env["HANDOFF_CHATWOOT_WEBHOOK_TOKEN"])

    async def _post(self, path: str, body: Dict[str, Any]) -> Dict[str, Any]:
        try:
            reply = await self._http.post(f"{self.base}{path}", json=body)
        except RETRYABLE as exc:
            raise ConnectorUnavailable("Chatwoot", f"{self.base} could not be reached ({exc.__class__.__name__})") from exc
        if not reply.ok:
            raise ConnectorUnavailable("Chatwoot", f"{self.base} answered {reply.status} to {path}: {reply.text[:200]}")
        return reply.json()

    async def opened(self, session: Session, context: Dict[str, Any]) -> Optional[str]:
        context = self.shared_context(context)  # privacy.yml's `chatwoot` audience
        customer = context.get("customer") or {}
        contact = {"inbox_id": self.inbox_id, "identifier": session.conversation_id,
                   "name": customer.get("email") or f"Customer {session.conversation_id[:8]}"}
        if customer.get("email"):
            contact["email"] = customer["email"]
        payload = (await self._post("/contacts", contact)).get("payload") or {}
        contact_id = (payload.get("contact") or {}).get("id")
        source_id = (payload.get("contact_inbox") or {}).get("source_id")
        if contact_id is None or source_id is None:
            raise ConnectorUnavailable("Chatwoot", "created a contact without an id or a contact inbox source_id")
        conversation = await self._post("/conversations", {"source_id": source_id, "inbox_id": self.inbox_id,
                                                             "contact_id": contact_id, "status": "open"})
        external = str(conversation["id"])
        await self._post(f"/conversations/{external}/messages",
                         {"content": context_note(context), "message_type": "outgoing", "private": True})
        return external

    async def customer_wrote(self, session: Session, message: Message) -> None:
        if session.external_id:
            await self._post(f"/conversations/{session.external_id}/messages",
                             {"content": self.shared_message(message)["text"], "message_type": "incoming",
                              "private": False})

    async def closed(self, session: Session) -> None:
        if session.external_id:
            await self._post(f"/conversations/{session.external_id}/toggle_status", {"status": "resolved"})

    async def erased(self, session: Session) -> None:
        """Chatwoot's copy of the conversation is deleted (its API: DELETE conversations/{id}, an
        administrator's token); the contact, which may hold other conversations, stays."""
        if not session.external_id:
            return
        try:
            reply = await self._http.delete(f"{self.base}/conversations/{session.external_id}")
        except RETRYABLE as exc:
            raise ConnectorUnavailable("Chatwoot", f"{self.base} could not be reached ({exc.__class__.__name__})") from exc
        if not reply.ok and reply.status != 404:
            raise ConnectorUnavailable("Chatwoot", f"{self.base} answered {reply.status} to deleting conversation "
                                                   f"{session.external_id}: {reply.text[:200]}")

    async def close(self) -> None:
        await self._http.close()
