"""The handoff service's calls to Rasa's HTTP API, with one aiohttp session:
an agent's message goes to the customer as a bot event (recorded in the tracker and
sent on the customer's latest channel); a hand-back resumes the conversation and
runs the bot's hand-back action so the bot takes over.

The bot event's text stays as written; its metadata says who is talking, and each
channel shows it (bot/channels/speaker.py): ``{"agent": "demo", "agent_name": "Sam"}``
for an agent's message, ``{"handoff": "joined" | "returned" | "ended" | "update"}``
for the desk's own notices, and ``{"message_id": ...}`` for a message sent once.

Adding events is not idempotent, so nothing here resends one blindly: a connection
that could not be made is tried again, but after a timeout, a dropped connection or a
5xx the outcome is unknown (DeliveryUnknown) and the caller looks in the tracker for
the message's id (``delivered``) before it sends again. The timeout is as long as Rasa
can take: a request waits for the conversation's lock, which lives 60 s in Rasa. Each
call uses a fresh connection: a kept-alive one to a Rasa that restarted would drop the
request with its outcome unknown.

With RASA_JWT_SECRET (Rasa started with the same ``--jwt-secret``) every call carries a
short-lived JWT in the Authorization header; otherwise Rasa's token goes in ``?token=``,
the only place Rasa reads it (bot.log_scrub keeps it out of Rasa's log)."""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import jwt

from handoff.errors import DeliveryUnknown, RasaUnavailable
from handoff.http import NOT_SENT_ERRORS, RETRYABLE, HttpClient
from handoff.relay.handback import HANDBACK_ACTION, half_handed_back

JWT_SECONDS = 300  # each call signs a fresh token valid this long
MESSAGE_ID = "message_id"  # key of the handoff's message id in a bot event's metadata


class RasaClient:
    def __init__(self, url: str, token: str, retries: int = 2, timeout: float = 60.0, jwt_secret: str = "") -> None:
        self.url, self.token, self.timeout, self._jwt_secret = url.rstrip("/"), token, timeout, jwt_secret
        self._http = HttpClient(timeout=timeout, retries=retries, fresh_connections=True)

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
            reply = await self._http.post(f"{self.url}/conversations/{path}", json=body, params=query,
                                          resend=False, **credentials)
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
        credentials = self._credentials()
        query = {**credentials.pop("params", {}), "include_events": "AFTER_RESTART"}
        try:
            reply = await self._http.get(f"{self.url}/conversations/{quote(conversation_id, safe='')}/tracker",
                                         params=query, **credentials)
        except RETRYABLE as exc:
            raise RasaUnavailable(self.url, f"could not be reached ({exc.__class__.__name__})") from exc
        if reply.status >= 400:
            raise RasaUnavailable(self.url, f"answered {reply.status}: {reply.text[:200]}")
        return reply.json()

    async def parse(self, text: str) -> Dict[str, Any]:
        """What the bot's NLU makes of a text (POST /model/parse): intent, ranking, FAQ, coverage."""
        credentials = self._credentials()
        try:
            reply = await self._http.post(f"{self.url}/model/parse", json={"text": text},
                                          params=credentials.pop("params", {}), **credentials)
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
                                 message_id: Optional[str] = None, shown_as: Optional[str] = None) -> None:
        """The customer sees it on their channel as the agent's (``shown_as``: the name they see);
        the tracker records it with the agent's name and the message's id. Raises DeliveryUnknown
        when it may or may not have arrived."""
        await self._say(conversation_id, text, {"agent": agent, "agent_name": shown_as or agent,
                                                **({MESSAGE_ID: message_id} if message_id else {})})

    async def send_update(self, conversation_id: str, text: str, kind: str = "update",
                          message_id: Optional[str] = None, **extra: str) -> None:
        """A word from the service itself (queue updates, a person joined, the bot is back),
        not from an agent; with an id, sent once."""
        if message_id and await self.delivered(conversation_id, message_id):
            return
        await self._say(conversation_id, text, {"handoff": kind, **extra,
                                                **({MESSAGE_ID: message_id} if message_id else {})})

    async def agent_joined(self, conversation_id: str, shown_as: str) -> None:
        """The customer learns a person is in the chat now, and their name."""
        await self.send_update(conversation_id, f"{shown_as} from our team has joined the chat.", "joined",
                               agent_name=shown_as)

    async def hand_back(self, conversation_id: str) -> List[Dict[str, Any]]:
        """Resume the conversation, then let the bot take over (and ask for a rating). A retry after
        a timeout or a crash finishes what the first try left: it resumes only a paused
        conversation, and runs the hand-back action while the closing prompt is due
        (handoff.relay.handback); the action itself gives it once per handoff, so two tries that
        meet in Rasa (which runs them one after the other) do not ask twice."""
        tracker = await self.tracker(conversation_id)
        if tracker.get("paused"):
            await self._events(conversation_id, {"event": "resume"})
        elif not half_handed_back(tracker.get("events") or []):
            return []  # handed back already, or never paused
        result = await self._post(f"{quote(conversation_id, safe='')}/execute", {"name": HANDBACK_ACTION},
                                  {"output_channel": "latest"}) or {}
        # Rasa logs an action that failed as run, and answers with the tracker as it was before it.
        if half_handed_back((await self.tracker(conversation_id)).get("events") or []):
            raise RasaUnavailable(self.url, f"ran {HANDBACK_ACTION} without its closing prompt (is the action "
                                            "server up?); the conversation is resumed, close again to finish")
        # /execute runs one action and stops; the bot now waits for the customer, as after any turn.
        await self._events(conversation_id, {"event": "action", "name": "action_listen"})
        return (result or {}).get("messages", [])

    async def release(self, conversation_id: str, text: str, message_id: Optional[str] = None) -> None:
        """Nobody will take over after all: tell the customer and give the bot the conversation."""
        await self.send_update(conversation_id, text, message_id=message_id)
        await self.resume(conversation_id)

    async def resume(self, conversation_id: str) -> None:
        """The bot has the conversation again and waits for the customer, as after any turn (once)."""
        if await self.paused(conversation_id):
            await self._events(conversation_id, [{"event": "resume"}, {"event": "action", "name": "action_listen"}])

    async def pause(self, conversation_id: str) -> None:
        """A person takes over a conversation the bot had (a session left as a message)."""
        if not await self.paused(conversation_id):
            await self._events(conversation_id, {"event": "pause"})
