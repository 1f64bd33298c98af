"""The base of every live-agent connector, shaped like Rasa's channels: built from
configuration, a handful of async methods, one module each."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Mapping, Optional

from handoff.service.store import Message, Session


class LiveAgentConnector(ABC):
    @classmethod
    @abstractmethod
    def name(cls) -> str:
        """How HANDOFF_CONNECTOR names it."""

    @classmethod
    @abstractmethod
    def from_config(cls, env: Mapping[str, str]) -> LiveAgentConnector:
        """Build it from settings; raise ConfigError naming what is missing."""

    @abstractmethod
    async def opened(self, session: Session, context: Dict[str, Any]) -> Optional[str]:
        """A conversation was transferred; its context goes with it. Returns the session's
        id in the connector's own system, if it has one."""

    @abstractmethod
    async def customer_wrote(self, session: Session, message: Message) -> None:
        """The customer wrote during the handoff."""

    @abstractmethod
    async def closed(self, session: Session) -> None:
        """The session ended (resolved, returned to the bot or abandoned)."""

    async def close(self) -> None:
        """Release connections when the service stops."""
