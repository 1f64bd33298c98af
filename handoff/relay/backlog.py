"""What agents are told about customer messages still on their way: with each event the
broker says how many more of that conversation wait in its outbox (after an outage,
the backlog drains in order). The count per session is pushed to the consoles
(``{"type": "relay", "session_id": ..., "pending": n}``) and is in the session's API
answer, so an agent reads "3 more messages on the way" instead of nothing."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict


class Backlog:
    def __init__(self, publish: Callable[..., Awaitable[None]]) -> None:
        self._publish = publish
        self._pending: Dict[str, int] = {}

    def pending(self, session_id: str) -> int:
        return self._pending.get(session_id, 0)

    def total(self) -> int:
        """Customer messages on their way to any session of this instance."""
        return sum(self._pending.values())

    async def update(self, session_id: str, pending: Any) -> None:
        count = pending if isinstance(pending, int) and not isinstance(pending, bool) and pending > 0 else 0
        if count == self._pending.get(session_id, 0):
            return
        if count:
            self._pending[session_id] = count
        else:
            self._pending.pop(session_id, None)
        await self._publish("relay", session_id=session_id, pending=count)
