"""Is anyone on duty? Business hours (HANDOFF_HOURS, in HANDOFF_TIMEZONE) and agent
presence: an agent is present while their console or tool has called the API within
the last HANDOFF_AGENT_IDLE seconds. Presence is kept in the sessions' database (written
at most every few seconds per agent), so a restart does not empty the desk, and several
service instances on one PostgreSQL database share it."""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, time as clock, timedelta, timezone
from typing import Dict, List, Optional, Protocol, Set, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from handoff.errors import ConfigError

logger = logging.getLogger(__name__)

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


class PresenceStore(Protocol):
    """Where presence is kept (handoff.service.store.SessionStore)."""

    async def saw(self, agent: str, at: datetime) -> None: ...

    async def seen_since(self, cutoff: datetime) -> List[str]: ...


@dataclass
class Duty:
    hours: Optional[Hours]
    idle_seconds: float
    shared: Optional[PresenceStore] = None  # the database; None only in tests of this module
    seen: Dict[str, datetime] = field(default_factory=dict)
    _written: Dict[str, datetime] = field(default_factory=dict)
    _tasks: Set[asyncio.Task] = field(default_factory=set)

    @property
    def write_every(self) -> float:
        """Seconds between two writes of one agent's presence to the shared store."""
        return min(10.0, self.idle_seconds / 4)

    def saw(self, agent: str, now: Optional[datetime] = None) -> None:
        now = now or datetime.now(timezone.utc)
        self.seen[agent] = now
        last = self._written.get(agent)
        if self.shared is None or (last is not None and (now - last).total_seconds() < self.write_every):
            return
        self._written[agent] = now
        task = asyncio.get_running_loop().create_task(self._write(agent, now))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(self, agent: str, at: datetime) -> None:
        try:
            await self.shared.saw(agent, at)
        except Exception as exc:  # the database being away must not fail the agent's request
            self._written.pop(agent, None)
            logger.error("could not share %s's presence: %r", agent, exc)

    async def present(self, now: Optional[datetime] = None) -> List[str]:
        now = now or datetime.now(timezone.utc)
        cutoff = now - timedelta(seconds=self.idle_seconds)
        names = {name for name, at in self.seen.items() if at >= cutoff}
        if self.shared is not None:
            names.update(await self.shared.seen_since(cutoff))
        return sorted(names)

    async def off_duty_reason(self, now: datetime) -> Optional[str]:
        """None when someone can take a conversation now, else why not, in words for the customer."""
        if self.hours is not None and not self.hours.open_at(now):
            return f"our team is available {self.hours.text}"
        if not await self.present(now):
            return "nobody from our team is available right now"
        return None
