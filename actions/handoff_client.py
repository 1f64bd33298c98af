"""The action server's side of a transfer: post the HandoffContext to the handoff
service (aiohttp, one session, a short timeout, one retry) and learn the customer's
place in the queue."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict

from actions.errors import HandoffUnavailable
from handoff.http import RETRYABLE, HttpClient


@dataclass(frozen=True)
class Ticket:
    session_id: str
    position: int
    wait_seconds: int
    on_duty: bool = True
    reason: str = ""  # why nobody can take over now, in words for the customer
    instead: str = ""  # the desk is busy: "callback" or "message" instead of a place in the queue


class HandoffServiceClient:
    def __init__(self, url: str, token: str, timeout: float = 5.0, retries: int = 1) -> None:
        self.url = url.rstrip("/")
        self._http = HttpClient(timeout, retries, headers={"Authorization": f"Bearer {token}"})

    async def _post(self, path: str, body: Dict[str, Any], retries: int) -> Any:
        try:
            return await self._http.post(f"{self.url}{path}", retries=retries, json=body)
        except RETRYABLE as exc:
            raise HandoffUnavailable(f"{self.url} could not be reached: {exc.__class__.__name__}") from exc

    async def open(self, context: Dict[str, Any]) -> Ticket:
        reply = await self._post("/api/handoffs", {"context": context}, retries=self._http.retries)
        if reply.status != 201:
            raise HandoffUnavailable(f"answered {reply.status}: {reply.text[:200]}")
        body = reply.json()
        return Ticket(body["session"]["id"], int(body.get("position", 0)), int(body.get("estimated_wait_seconds", 0)),
                      bool(body.get("on_duty", True)), str(body.get("reason") or ""), str(body.get("instead") or ""))

    async def rate(self, conversation_id: str, rating: int) -> bool:
        """Record the customer's rating on the session a person handed back; False if there is none
        or it was rated already (a rating is never overwritten)."""
        reply = await self._post("/api/ratings", {"conversation_id": conversation_id, "rating": rating}, retries=0)
        if reply.status in (404, 409):
            return False
        if reply.status != 200:
            raise HandoffUnavailable(f"answered {reply.status}: {reply.text[:200]}")
        return True
