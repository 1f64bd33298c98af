"""Is anyone on duty? Business hours (HANDOFF_HOURS, in HANDOFF_TIMEZONE) and agent
presence: an agent is present while their console or tool has called the API within
the last HANDOFF_AGENT_IDLE seconds. Presence is kept per service process."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime, time as clock
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from handoff.errors import ConfigError

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PART = re.compile(r"^\s*(mon|tue|wed|thu|fri|sat|sun)(?:\s*-\s*(mon|tue|wed|thu|fri|sat|sun))?\s+"
                  r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Hours:
    """`mon-fri 09:00-18:00; sat 10:00-16:00` in a timezone; days not named are closed."""
    text: str
    zone: ZoneInfo
    spans: Dict[int, Tuple[clock, clock]]

    @classmethod
    def parse(cls, text: str, zone: str) -> Hours:
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError("environment", "HANDOFF_TIMEZONE", f"is '{zone}'; use an IANA name such as "
                              "Europe/London") from exc
        spans: Dict[int, Tuple[clock, clock]] = {}
        for part in filter(str.strip, text.lower().split(";")):
            found = PART.match(part)
            if not found:
                raise ConfigError("environment", "HANDOFF_HOURS", f"has '{part.strip()}'; write it like "
                                  "'mon-fri 09:00-18:00; sat 10:00-16:00'")
            first, last = DAYS.index(found[1]), DAYS.index(found[2] or found[1])
            try:
                opens, closes = clock(int(found[3]), int(found[4])), clock(int(found[5]), int(found[6]))
            except ValueError as exc:
                raise ConfigError("environment", "HANDOFF_HOURS", f"has an impossible time in '{part.strip()}'") from exc
            for day in range(first, last + 1):
                spans[day] = (opens, closes)
        return cls(text.strip(), tz, spans)

    def open_at(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        span = self.spans.get(local.weekday())
        return span is not None and span[0] <= local.time() < span[1]


@dataclass
class Duty:
    hours: Optional[Hours]
    idle_seconds: float
    seen: Dict[str, float] = field(default_factory=dict)

    def saw(self, agent: str) -> None:
        self.seen[agent] = time.monotonic()

    def present(self) -> List[str]:
        cutoff = time.monotonic() - self.idle_seconds
        return [name for name, at in self.seen.items() if at >= cutoff]

    def off_duty_reason(self, now: datetime) -> Optional[str]:
        """None when someone can take a conversation now, else why not, in words for the customer."""
        if self.hours is not None and not self.hours.open_at(now):
            return f"our team is available {self.hours.text}"
        if not self.present():
            return "nobody from our team is available right now"
        return None
