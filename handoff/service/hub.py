"""Pushes what happens to sessions (new, changed, new messages, messages on their way) to
the agents connected on the websocket /api/ws of this service process (other instances'
changes arrive through handoff.service.fanout), each agent only what they may see
(handoff.service.scope): supervisors everything, an agent the sessions of their skills
or assigned to them. A connection that fails is dropped, the agent's console falls back
to polling."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, Optional, Tuple

from handoff.service.scope import may_see
from handoff.service.settings import Agent

logger = logging.getLogger(__name__)
Lookup = Callable[[str], Awaitable[Any]]  # a session by id (the store's get)


class Hub:
    def __init__(self, lookup: Optional[Lookup] = None) -> None:
        self.sockets: Dict[Any, Optional[Agent]] = {}  # None: a listener of the service itself, sees all
        self._lookup = lookup
        self._where: Dict[str, Tuple[str, Optional[str]]] = {}  # session id -> (skill, agent), as last pushed

    def join(self, socket: Any, agent: Optional[Agent] = None) -> None:
        self.sockets[socket] = agent

    def leave(self, socket: Any) -> None:
        self.sockets.pop(socket, None)

    async def drop(self, names: Iterable[str]) -> None:
        """Close the connections of these agents (removed, or their token or role changed)."""
        gone = set(names)
        for socket, agent in list(self.sockets.items()):
            if agent is not None and agent.name in gone:
                self.leave(socket)
                try:
                    await socket.close(code=4401, reason="your access changed: log in again")
                except Exception as exc:  # already gone
                    logger.info("closing an agent websocket: %r", exc)

    async def publish(self, kind: str, **data: Any) -> None:
        """To every agent who may see the session the frame is about (`session_id`, or the session)."""
        frame = json.dumps({"type": kind, **data})
        where = await self._scope(data)
        sockets = [s for s, agent in self.sockets.items()
                   if agent is None or where is None and agent.supervisor or where is not None and
                   may_see(agent, *where)]
        results = await asyncio.gather(*(socket.send(frame) for socket in sockets), return_exceptions=True)
        for socket, result in zip(sockets, results):
            if isinstance(result, Exception):
                logger.info("dropping an agent websocket: %r", result)
                self.leave(socket)

    async def _scope(self, data: Dict[str, Any]) -> Optional[Tuple[str, Optional[str]]]:
        """(skill, agent) of the session a frame is about; None when unknown (supervisors only)."""
        session = data.get("session")
        if isinstance(session, dict) and "id" in session:
            self._where[session["id"]] = (str(session.get("skill")), session.get("agent"))
            return self._where[session["id"]]
        message = data.get("message")
        session_id = data.get("session_id") or (message.get("session_id") if isinstance(message, dict) else None)
        if not session_id:
            return None
        if session_id not in self._where and self._lookup is not None:
            try:
                found = await self._lookup(session_id)
                self._where[session_id] = (found.skill, found.agent)
            except Exception as exc:  # a session gone: only supervisors hear of it
                logger.info("no session %s for a pushed frame: %r", session_id, exc)
        return self._where.get(session_id)

    async def push(self, kind: str, item: Any) -> None:
        """A store change ("session" or "message") to every agent who may see it."""
        await getattr(self, kind)(item)

    async def session(self, session: Any) -> None:
        await self.publish("session", session=_brief(session.as_dict()))

    async def message(self, message: Any) -> None:
        await self.publish("message", message=message.as_dict())


def _brief(session: Dict[str, Any]) -> Dict[str, Any]:
    """What the queue needs; the full context is one GET away."""
    return {k: v for k, v in session.items() if k != "context"}
