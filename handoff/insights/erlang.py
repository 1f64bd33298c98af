"""Erlang C: how many agents a queue needs for a service level.

With arrivals at rate λ and a mean handle time h, the traffic is A = λ·h Erlangs. With
N > A agents, the probability that a customer waits is Erlang C,

    P(wait) = N·B / (N − A·(1 − B)),   B = Erlang B(N, A) (by its stable recursion),

the share answered within t seconds is 1 − P(wait)·exp(−(N − A)·t / h), and the mean
wait is P(wait)·h / (N − A). Pure arithmetic."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Staffing:
    agents: int
    traffic: float          # Erlangs
    wait_probability: float
    service_level: float    # share answered within the target time
    mean_wait_seconds: float


def erlang_b(agents: int, traffic: float) -> float:
    blocked = 1.0
    for n in range(1, agents + 1):
        blocked = traffic * blocked / (n + traffic * blocked)
    return blocked


def wait_probability(agents: int, traffic: float) -> float:
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1 - b))


def service_level(agents: int, traffic: float, handle_seconds: float, within_seconds: float) -> float:
    if traffic <= 0:
        return 1.0
    if agents <= traffic:
        return 0.0
    return 1 - wait_probability(agents, traffic) * math.exp(-(agents - traffic) * within_seconds / handle_seconds)


def agents_needed(arrivals_per_hour: float, handle_seconds: float, target: float, within_seconds: float,
                  most: int = 10_000) -> Staffing:
    """The fewest agents that answer `target` of customers within `within_seconds`."""
    traffic = arrivals_per_hour * handle_seconds / 3600
    if traffic <= 0:
        return Staffing(0, 0.0, 0.0, 1.0, 0.0)
    agents = max(1, math.floor(traffic) + 1)
    while agents < most and service_level(agents, traffic, handle_seconds, within_seconds) < target:
        agents += 1
    waits = wait_probability(agents, traffic)
    return Staffing(agents, traffic, waits, service_level(agents, traffic, handle_seconds, within_seconds),
                    waits * handle_seconds / (agents - traffic))
