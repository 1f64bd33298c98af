"""How long each store keeps a customer's data, from the `retention:` section of
privacy.yml (days; 0 or absent keeps it):

    retention:
      conversations: 90       # Rasa's tracker store, by the conversation's last event
      handoff_sessions: 365   # closed sessions and their messages, by when they closed
      bookings: 730           # by the appointment's time
      every_hours: 24         # how often the handoff service applies it

The audit log has no entry here: it is kept, and holds no personal data."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from handoff.errors import ConfigError

STORES = ("conversations", "handoff_sessions", "bookings")


@dataclass(frozen=True)
class Retention:
    conversations: int = 0
    handoff_sessions: int = 0
    bookings: int = 0
    every_hours: float = 24.0

    @property
    def active(self) -> bool:
        return any(getattr(self, store) for store in STORES)

    @classmethod
    def from_dict(cls, raw: Any, source: str = "privacy.yml") -> Retention:
        if raw is None:
            return cls()
        if not isinstance(raw, Mapping):
            raise ConfigError(source, "retention", "must map stores (conversations, handoff_sessions, bookings) "
                                                   "to days")
        unknown = sorted(set(raw) - set(STORES) - {"every_hours"})
        if unknown:
            raise ConfigError(source, f"retention.{unknown[0]}", "is not a store; use conversations, "
                                                                 "handoff_sessions, bookings (and every_hours)")
        values = {}
        for store in STORES:
            days = raw.get(store, 0)
            if isinstance(days, bool) or not isinstance(days, int) or days < 0:
                raise ConfigError(source, f"retention.{store}", f"is {days!r}; give whole days (0 keeps it)")
            values[store] = days
        every = raw.get("every_hours", 24)
        if isinstance(every, bool) or not isinstance(every, (int, float)) or every <= 0:
            raise ConfigError(source, "retention.every_hours", f"is {every!r}; give hours above 0")
        return cls(every_hours=float(every), **values)
