"""Throttling and lockout for the agent API, its websocket and the service's inbound
routes, in this process's memory.

- Each caller (an agent's token, or the address of a caller without one) makes at most
  ``requests_per_minute`` requests in any 60 seconds; more get 429 with Retry-After.
- Each address may fail authentication ``failures`` times within ``window_seconds``;
  then every request of that address to that door (agent API, service routes,
  connectors) gets 429 for ``lockout_seconds``, right token or not, so guessing stops.

Several service instances each count their own callers: a limit per instance, which a
load balancer's stickiness keeps close to the configured one."""
from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Callable, Deque, Dict, Optional

MAX_KEYS = 50_000  # callers remembered at once; the least recent are forgotten first


@dataclass(frozen=True)
class ThrottleSettings:
    requests_per_minute: int = 600
    failures: int = 10
    window_seconds: float = 300.0
    lockout_seconds: float = 300.0


class _Recent:
    """Timestamps per key, the least recently used keys evicted past MAX_KEYS."""

    def __init__(self) -> None:
        self._keys: "OrderedDict[str, Deque[float]]" = OrderedDict()

    def times(self, key: str, since: float) -> Deque[float]:
        found = self._keys.pop(key, None)
        found = found if found is not None else deque()
        while found and found[0] <= since:
            found.popleft()
        self._keys[key] = found
        if len(self._keys) > MAX_KEYS:
            self._keys.popitem(last=False)
        return found


class Throttle:
    def __init__(self, settings: ThrottleSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self._clock = settings, clock
        self._requests, self._failures = _Recent(), _Recent()
        self._locked: Dict[str, float] = {}

    def request(self, caller: str) -> Optional[int]:
        """Counts a request; the seconds to wait when the caller is over its limit, else None."""
        now = self._clock()
        recent = self._requests.times(caller, now - 60)
        if len(recent) >= self.settings.requests_per_minute:
            return _seconds(recent[0] + 60 - now)
        recent.append(now)
        return None

    def locked(self, door: str, address: str) -> Optional[int]:
        """The seconds this address stays locked out of this door, or None."""
        key = f"{door} {address}"
        until = self._locked.get(key)
        if until is None:
            return None
        left = until - self._clock()
        if left <= 0:
            del self._locked[key]
            return None
        return _seconds(left)

    def failed(self, door: str, address: str) -> None:
        """A failed authentication; enough of them lock the address out of the door."""
        key, now = f"{door} {address}", self._clock()
        recent = self._failures.times(key, now - self.settings.window_seconds)
        recent.append(now)
        if len(recent) >= self.settings.failures:
            self._locked[key] = now + self.settings.lockout_seconds
            recent.clear()
            if len(self._locked) > MAX_KEYS:  # forget expired lockouts
                self._locked = {k: v for k, v in self._locked.items() if v > now}


def _seconds(left: float) -> int:
    return max(1, math.ceil(left))
