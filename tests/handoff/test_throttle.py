from __future__ import annotations

from typing import List

from handoff.service.throttle import Throttle, ThrottleSettings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_requests_over_the_limit_wait_until_the_oldest_leaves_the_minute() -> None:
    clock = Clock()
    throttle = Throttle(ThrottleSettings(requests_per_minute=3), clock)
    waits: List[object] = []
    for _ in range(4):
        waits.append(throttle.request("agent a"))
        clock.now += 10
    assert waits[:3] == [None, None, None] and waits[3] == 30  # the first request leaves at 1060
    assert throttle.request("agent b") is None  # each caller has its own count
    clock.now += 31
    assert throttle.request("agent a") is None


def test_failures_lock_one_door_for_one_address_then_expire() -> None:
    clock = Clock()
    throttle = Throttle(ThrottleSettings(failures=3, window_seconds=60, lockout_seconds=120), clock)
    for _ in range(2):
        throttle.failed("agent", "10.0.0.1")
    assert throttle.locked("agent", "10.0.0.1") is None
    throttle.failed("agent", "10.0.0.1")
    assert throttle.locked("agent", "10.0.0.1") == 120
    assert throttle.locked("service", "10.0.0.1") is None and throttle.locked("agent", "10.0.0.2") is None
    clock.now += 121
    assert throttle.locked("agent", "10.0.0.1") is None


def test_failures_spread_beyond_the_window_never_lock() -> None:
    clock = Clock()
    throttle = Throttle(ThrottleSettings(failures=3, window_seconds=60), clock)
    for _ in range(10):
        throttle.failed("agent", "10.0.0.1")
        clock.now += 31
    assert throttle.locked("agent", "10.0.0.1") is None
