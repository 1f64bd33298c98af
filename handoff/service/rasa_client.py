"""The handoff service's calls to Rasa's HTTP API, with one aiohttp session:
an agent's message goes to the customer as a bot event (recorded in the tracker and
sent on the customer's latest channel); a hand-back resumes the conversation and
runs the bot's hand-back action so the bot takes over.

Adding events is not idempotent, so nothing here resends one blindly: a connection
that could not be made is tried again, but after a timeout, a dropped connection or a
5xx the outcome is unknown (DeliveryUnknown) and the caller looks in the tracker for
the message's id (``delivered``) before it sends again. The timeout is as long as Rasa
can take: a request waits for the conversation's lock, which lives 60 s in Rasa. Each
call uses a fresh connection: a kept-alive one to a Rasa that restarted would drop the
request with its outcome unknown."""
from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import quote

from handoff.errors import DeliveryUnknown, RasaUnavailable
from handoff.http import NOT_SENT_ERRORS, RETRYABLE, HttpClient

HANDBACK_ACTION = "action_back_from_agent"
MESSAGE_ID = "message_id"  # key of the handoff's message id in a bot event's metadata


class RasaClient:
    def __init__(self, url: str, token: str, retries: int = 2, timeout: float = 60.0) -> None:
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout
        self._http = HttpClient(timeout=timeout, retries=retries, fresh_connections=True)

    async def close(self) -> None:
        await self._http.close()

    async def _post(self, path: str, body: Any, params: Optional[Dict[str, str]] = None) -> Any:
        query = {"token": self.token, **(params or {})}
        try:
            reply = await self._http.post(f"{self.url}/conversations/{path}", json=body, params=query, resend=False)
        except NOT_SENT_ERRORS as exc:
            raise RasaUnavailable(self.url, f"could not be reached ({exc.__class__.__name__})") from exc
        except RETRYABLE as exc:
            raise DeliveryUnknown(self.url, f"did not answer ({exc.__class__.__name__})") from exc
        if reply.status >= 500:
            raise DeliveryUnknown(self.url, f"answered {reply.status}: {reply.text[:200]}")
        if reply.status >= 400:
            raise RasaUnavailable(self.url, f"answered {reply.status}: {reply.text[:200]}")
        return reply.json()

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        """The conversation's tracker (events since its last restart)."""
        try:
            reply = await self._http.get(f"{self.url}/conversations/{quote(conversation_id, safe='')}/tracker",
                                         params={"token": self.token, "include_events": "AFTER_RESTART"})
        except RETRYABLE as exc:
            raise RasaUnavailable(self.url, f"could not be reached ({exc.__class__.__name__})") from exc
        if reply.status >= 400:
            raise RasaUnavailable(self.url, f"answered {reply.status}: {reply.text[:200]}")
        return reply.json()

    async def delivered(self, conversation_id: str, message_id: str) -> bool:
        """Is a bot event with this message id in the conversation's tracker?"""
        events = (await self.tracker(conversation_id)).get("events") or []
        return any(e.get("event") == "bot" and (e.get("metadata") or {}).get(MESSAGE_ID) == message_id
                   for e in events)

    async def paused(self, conversation_id: str) -> bool:
        return bool((await self.tracker(conversation_id)).get("paused"))

    async def _events(self, conversation_id: str, events: Any, params: Optional[Dict[str, str]] = None) -> Any:
        return await self._post(f"{quote(conversation_id, safe='')}/tracker/events", events, params)

    async def _say(self, conversation_id: str, text: str, metadata: Dict[str, str]) -> None:
        """A bot event, recorded in the tracker and sent on the customer's latest channel."""
        await self._events(conversation_id, {"event": "bot", "text": text, "metadata": metadata},
                           {"execute_side_effects": "true", "output_channel": "latest"})

    async def send_agent_message(self, conversation_id: str, text: str, agent: str,
                                 message_id: Optional[str] = None) -> None:
        """The customer sees it on their channel; the tracker records it with the agent's name and
        the message's id. Raises DeliveryUnknown when it may or may not have arrived."""
        await self._say(conversation_id, text, {"agent": agent, **({MESSAGE_ID: message_id} if message_id else {})})

    async def send_update(self, conversation_id: str, text: str, message_id: Optional[str] = None) -> None:
        """A word from the service itself (queue updates), not from an agent; with an id, sent once."""
        if message_id and await self.delivered(conversation_id, message_id):
            return
        await self._say(conversation_id, text, {"handoff": "update", **({MESSAGE_ID: message_id} if message_id else {})})

    async def hand_back(self, conversation_id: str) -> List[Dict[str, Any]]:
        """Resume the conversation, then let the bot take over (and ask for a rating). Done once: a
        conversation that is not paused any more was handed back already."""
        if not await self.paused(conversation_id):
            return []
        await self._events(conversation_id, {"event": "resume"})
        result = await self._post(f"{quote(conversation_id, safe='')}/execute", {"name": HANDBACK_ACTION},
                                  {"output_channel": "latest"})
        # /execute runs one action and stops; the bot now waits for the customer, as after any turn.
        await self._events(conversation_id, {"event": "action", "name": "action_listen"})
        return (result or {}).get("messages", [])

    async def release(self, conversation_id: str, text: str, message_id: Optional[str] = None) -> None:
        """Nobody will take over after all: tell the customer and give the bot the conversation."""
        await self.send_update(conversation_id, text, message_id)
        await self.resume(conversation_id)

    async def resume(self, conversation_id: str) -> None:
        """The bot has the conversation again and waits for the customer, as after any turn (once)."""
        if await self.paused(conversation_id):
            await self._events(conversation_id, [{"event": "resume"}, {"event": "action", "name": "action_listen"}])

    async def pause(self, conversation_id: str) -> None:
        """A person takes over a conversation the bot had (a session left as a message)."""
        if not await self.paused(conversation_id):
            await self._events(conversation_id, {"event": "pause"})
