"""Exceptions of the actions package.

ActionsError
├── SettingsError        bot/shop.yml or an environment variable is wrong
├── StoreUnavailable     the order or booking store cannot be reached
├── HandoffUnavailable   the handoff service cannot take the conversation
└── SlotTaken            someone else booked the slot first
"""
from __future__ import annotations


class ActionsError(Exception):
    """Root of every error raised by the actions package."""


class SettingsError(ActionsError):
    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source, self.key, self.problem = source, key, problem
        super().__init__(f"{source}: '{key}' {problem}")


class StoreUnavailable(ActionsError):
    def __init__(self, store: str, detail: str) -> None:
        self.store, self.detail = store, detail
        super().__init__(
            f"the {store} could not be reached ({detail}); check that it is running "
            "and that its URL in the environment is right"
        )


class SlotTaken(ActionsError):
    def __init__(self, kind: str, start_iso: str) -> None:
        self.kind, self.start_iso = kind, start_iso
        super().__init__(f"the {kind} slot at {start_iso} is already booked")


class HandoffUnavailable(ActionsError):
    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"the handoff service cannot take the conversation ({detail}); check that it runs "
                         "at HANDOFF_URL with the same HANDOFF_SERVICE_TOKEN")
