"""The handoff service's calls to Rasa's HTTP API, with one aiohttp session:
an agent's message goes to the customer as a bot event (recorded in the tracker and
sent on the customer's latest channel); a hand-back resumes the conversation and
runs the bot's hand-back action so the bot takes over.

The bot event's text stays as written; its metadata says who is talking, and each
channel shows it (bot/channels/speaker.py): ``{"agent": "demo", "agent_name": "Sam"}``
for an agent's message, ``{"handoff": "joined" | "returned" | "ended" | "update"}``
for the desk's own notices.

With RASA_JWT_SECRET (Rasa started with the same ``--jwt-secret``) every call carries a
short-lived JWT in the Authorization header; otherwise Rasa's token goes in ``?token=``,
the only place Rasa reads it (bot.log_scrub keeps it out of Rasa's log)."""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import jwt

from handoff.errors import RasaUnavailable
from handoff.http import RETRYABLE, HttpClient

HANDBACK_ACTION = "action_back_from_agent"
JWT_SECONDS = 300  # each call signs a fresh token valid this long


class RasaClient:
    def __init__(self, url: str, token: str, retries: int = 2, jwt_secret: str = "") -> None:
        self.url, self.token, self._jwt_secret = url.rstrip("/"), token, jwt_secret
        self._http = HttpClient(timeout=10, retries=retries)

    def _credentials(self) -> Dict[str, Any]:
        """The headers or query parameters that authenticate a call."""
        if self._jwt_secret:
            claims = {"user": {"username": "handoff-service", "role": "admin"}, "exp": int(time.time()) + JWT_SECONDS}
            return {"headers": {"Authorization": f"Bearer {jwt.encode(claims, self._jwt_secret, algorithm='HS256')}"}}
        return {"params": {"token": self.token}}

    async def close(self) -> None:
        await self._http.close()

    async def _post(self, path: str, body: Any, params: Optional[Dict[str, str]] = None) -> Any:
        credentials = self._credentials()
        query = {**credentials.pop("params", {}), **(params or {})}
        try:
            reply = await self._http.post(f"{self.url}/conversations/{path}", json=body, params=query, **credentials)
        except RETRYABLE as exc:
            raise RasaUnavailable(self.url, f"could not be reached ({exc.__class__.__name__})") from exc
        if reply.status >= 400:
            raise RasaUnavailable(self.url, f"answered {reply.status}: {reply.text[:200]}")
        return reply.json()

    async def _events(self, conversation_id: str, events: Any, params: Optional[Dict[str, str]] = None) -> Any:
        return await self._post(f"{quote(conversation_id, safe='')}/tracker/events", events, params)

    async def _say(self, conversation_id: str, text: str, metadata: Dict[str, str]) -> None:
        """A bot event, recorded in the tracker and sent on the customer's latest channel."""
        await self._events(conversation_id, {"event": "bot", "text": text, "metadata": metadata},
                           {"execute_side_effects": "true", "output_channel": "latest"})

    async def send_agent_message(self, conversation_id: str, text: str, agent: str,
                                 shown_as: Optional[str] = None) -> None:
        """The customer sees it on their channel as the agent's (``shown_as``: the name they see);
        the tracker records it with the agent's name."""
        await self._say(conversation_id, text, {"agent": agent, "agent_name": shown_as or agent})

    async def send_update(self, conversation_id: str, text: str, kind: str = "update",
                          **extra: str) -> None:
        """A word from the service itself (queue updates, a person joined, the bot is back),
        not from an agent."""
        await self._say(conversation_id, text, {"handoff": kind, **extra})

    async def agent_joined(self, conversation_id: str, shown_as: str) -> None:
        """The customer learns a person is in the chat now, and their name."""
        await self.send_update(conversation_id, f"{shown_as} from our team has joined the chat.", "joined",
                               agent_name=shown_as)

    async def hand_back(self, conversation_id: str) -> List[Dict[str, Any]]:
        """Resume the conversation, then let the bot take over (and ask for a rating)."""
        await self._events(conversation_id, {"event": "resume"})
        result = await self._post(f"{quote(conversation_id, safe='')}/execute", {"name": HANDBACK_ACTION},
                                  {"output_channel": "latest"})
        # /execute runs one action and stops; the bot now waits for the customer, as after any turn.
        await self._events(conversation_id, {"event": "action", "name": "action_listen"})
        return (result or {}).get("messages", [])

    async def release(self, conversation_id: str, text: str) -> None:
        """Nobody will take over after all: tell the customer and give the bot the conversation."""
        await self.send_update(conversation_id, text)
        await self._resume(conversation_id)

    async def _resume(self, conversation_id: str) -> None:
        """The bot has the conversation again and waits for the customer, as after any turn."""
        await self._events(conversation_id, [{"event": "resume"}, {"event": "action", "name": "action_listen"}])

    async def pause(self, conversation_id: str) -> None:
        """A person takes over a conversation the bot had (a session left as a message)."""
        await self._events(conversation_id, {"event": "pause"})

    async def end(self, conversation_id: str, text: str, agent: str) -> None:
        """Closed without hand-back: a polite last word; the conversation stays with no one pending."""
        await self.send_update(conversation_id, text, "ended", agent=agent)
        await self._resume(conversation_id)
