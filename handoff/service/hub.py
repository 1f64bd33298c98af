"""Pushes what happens to sessions (new, changed, new messages) to every agent
connected on the websocket /api/ws of this service process (other instances' changes
arrive through handoff.service.fanout); a connection that fails is dropped, the
agent's console falls back to polling."""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Set

logger = logging.getLogger(__name__)


class Hub:
    def __init__(self) -> None:
        self.sockets: Set[Any] = set()

    def join(self, socket: Any) -> None:
        self.sockets.add(socket)

    def leave(self, socket: Any) -> None:
        self.sockets.discard(socket)

    async def publish(self, kind: str, **data: Any) -> None:
        frame = json.dumps({"type": kind, **data})
        sockets = list(self.sockets)
        results = await asyncio.gather(*(socket.send(frame) for socket in sockets), return_exceptions=True)
        for socket, result in zip(sockets, results):
            if isinstance(result, Exception):
                logger.info("dropping an agent websocket: %r", result)
                self.leave(socket)

    async def push(self, kind: str, item: Any) -> None:
        """A store change ("session" or "message") to every connected agent."""
        await getattr(self, kind)(item)

    async def session(self, session: Any) -> None:
        await self.publish("session", session=_brief(session.as_dict()))

    async def message(self, message: Any) -> None:
        await self.publish("message", message=message.as_dict())


def _brief(session: Dict[str, Any]) -> Dict[str, Any]:
    """What the queue needs; the full context is one GET away."""
    return {k: v for k, v in session.items() if k != "context"}
