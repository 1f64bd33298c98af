"""Live-agent connectors: where a transferred conversation goes besides the session
store. One small base class, one module each; the built-in console is the default."""
from __future__ import annotations

from typing import Mapping

from handoff.connectors.base import LiveAgentConnector
from handoff.errors import ConfigError


def create_connector(env: Mapping[str, str]) -> LiveAgentConnector:
    """HANDOFF_CONNECTOR: console (default) | webhook | chatwoot."""
    kind = env.get("HANDOFF_CONNECTOR", "console").strip().lower()
    if kind == "console":
        from handoff.connectors.console import ConsoleConnector
        return ConsoleConnector.from_config(env)
    if kind == "webhook":
        from handoff.connectors.webhook import WebhookConnector
        return WebhookConnector.from_config(env)
    if kind == "chatwoot":
        from handoff.connectors.chatwoot import ChatwootConnector
        return ChatwootConnector.from_config(env)
    raise ConfigError("environment", "HANDOFF_CONNECTOR", f"is '{kind}'; use console, webhook or chatwoot")
