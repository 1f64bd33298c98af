"""The base of every live-agent connector, shaped like Rasa's channels: built from
configuration, a handful of async methods, one module each."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, Mapping, Optional

from handoff.privacy.policy import Audience
from handoff.privacy.redactor import Redactor
from handoff.privacy.views import context_for
from handoff.service.store import Message, Session


class LiveAgentConnector(ABC):
    # What this desk may see (privacy.yml's audience of the connector's name, set by the app);
    # unset: nothing personal, as for an outsourced desk.
    audience: Optional[Audience] = None

    def _audience(self) -> Audience:
        return self.audience or Audience(self.name(), Redactor(), False)

    def shared_context(self, context: Mapping[str, Any]) -> Dict[str, Any]:
        """The context as this desk may see it."""
        return context_for(context, self._audience())

    def shared_session(self, session: Session) -> Dict[str, Any]:
        return {**session.as_dict(), "context": self.shared_context(session.context)}

    def shared_message(self, message: Message) -> Dict[str, Any]:
        return {**message.as_dict(), "text": self._audience().redact(message.text)}

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

    async def erased(self, session: Session) -> None:
        """The customer's data was erased: remove the desk's copy where its API allows (default: it keeps none)."""

    async def close(self) -> None:
        """Release connections when the service stops."""
