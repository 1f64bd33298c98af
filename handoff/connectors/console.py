"""The built-in agent console (the default): agents read the session store through the
service's own API, so nothing has to be sent anywhere."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from handoff.connectors.base import LiveAgentConnector
from handoff.service.store import Message, Session


class ConsoleConnector(LiveAgentConnector):
    @classmethod
    def name(cls) -> str:
        return "console"

    @classmethod
    def from_config(cls, env: Mapping[str, str]) -> ConsoleConnector:
        return cls()

    async def opened(self, session: Session, context: Dict[str, Any]) -> Optional[str]:
        return None

    async def customer_wrote(self, session: Session, message: Message) -> None:
        return None

    async def closed(self, session: Session) -> None:
        return None
