"""The desk's sections of handoff.yml, validated like the rest of the file
(handoff.config): ``costs``, ``staffing``, ``kill_switch`` and ``load``. Every key is
optional; the defaults are here, in one place."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Tuple

from handoff.config import PRIORITIES, _Reader

INSTEAD = ("callback", "message")


@dataclass(frozen=True)
class Costs:
    currency: str = "EUR"
    agent_hour: float = 32.0             # what one hour of an agent costs, all in
    bot_conversation: float = 0.04       # what one conversation costs the bot (hosting, models)
    infrastructure_month: float = 450.0  # servers, databases, monitoring, per month
    human_minutes_per_conversation: float = 8.0  # the all-human baseline before the desk has handle times
    correction_minutes: float = 4.0      # a person's time to correct one wrong answer of the bot


@dataclass(frozen=True)
class Staffing:
    service_level: float = 0.8           # share of customers answered...
    answer_within_seconds: float = 60.0  # ...within this long
    weeks: int = 4                       # of history the forecast averages
    max_agents: int = 200


@dataclass(frozen=True)
class AutoSwitch:
    enabled: bool = False                # opt in: it takes the bot away from customers by itself
    window_minutes: float = 30.0
    min_conversations: int = 20          # fewer in the window: no automatic switch
    max_error_rate: float = 0.35         # fallbacks and out-of-coverage answers per customer message
    max_negative_share: float = 0.4      # negative customer messages per customer message
    check_seconds: float = 60.0


@dataclass(frozen=True)
class Busy:
    max_wait_seconds: float = 300.0      # the estimated wait above this...
    no_capacity: bool = True             # ...or no agent on duty with a free place
    applies_to: Tuple[str, ...] = ("low", "normal")  # priorities that get `instead` of a queue place
    instead: str = "callback"            # callback | message


@dataclass(frozen=True)
class Idle:
    min_free_places: int = 2             # agents with this many free places in all count as idle...
    strong_negative: float = -0.6        # ...and the sentiment trigger offers a person earlier
    trend_threshold: float = -0.3


@dataclass(frozen=True)
class LoadRules:
    enabled: bool = False                # opt in: they change what customers are offered
    busy: Busy = field(default_factory=Busy)
    idle: Idle = field(default_factory=Idle)


@dataclass(frozen=True)
class DeskConfig:
    costs: Costs = field(default_factory=Costs)
    staffing: Staffing = field(default_factory=Staffing)
    auto_switch: AutoSwitch = field(default_factory=AutoSwitch)
    load: LoadRules = field(default_factory=LoadRules)

    @classmethod
    def from_sections(cls, top: Mapping[str, Any], source: str) -> DeskConfig:
        r = _Reader(source)
        return cls(_costs(r, top.get("costs")), _staffing(r, top.get("staffing")),
                   _auto(r, top.get("kill_switch")), _load(r, top.get("load")))


def _costs(r: _Reader, raw: Any) -> Costs:
    key, d = "costs", Costs()
    raw = r.section(raw, key, ("currency", "agent_hour", "bot_conversation", "infrastructure_month",
                               "human_minutes_per_conversation", "correction_minutes"))
    return Costs(r.typed(raw, "currency", key, str, d.currency),
                 r.number(raw, "agent_hour", key, d.agent_hour, 0, 10_000),
                 r.number(raw, "bot_conversation", key, d.bot_conversation, 0, 1000),
                 r.number(raw, "infrastructure_month", key, d.infrastructure_month, 0, 10_000_000),
                 r.number(raw, "human_minutes_per_conversation", key, d.human_minutes_per_conversation, 0.1, 600),
                 r.number(raw, "correction_minutes", key, d.correction_minutes, 0, 600))


def _staffing(r: _Reader, raw: Any) -> Staffing:
    key, d = "staffing", Staffing()
    raw = r.section(raw, key, ("service_level", "answer_within_seconds", "weeks", "max_agents"))
    return Staffing(r.number(raw, "service_level", key, d.service_level, 0.01, 0.999),
                    r.number(raw, "answer_within_seconds", key, d.answer_within_seconds, 1, 86_400),
                    r.count(raw, "weeks", key, d.weeks, 1, 52), r.count(raw, "max_agents", key, d.max_agents, 1, 10_000))


def _auto(r: _Reader, raw: Any) -> AutoSwitch:
    top = r.section(raw, "kill_switch", ("auto",))
    key, d = "kill_switch.auto", AutoSwitch()
    raw = r.section(top.get("auto"), key, ("enabled", "window_minutes", "min_conversations", "max_error_rate",
                                           "max_negative_share", "check_seconds"))
    return AutoSwitch(r.typed(raw, "enabled", key, bool, d.enabled),
                      r.number(raw, "window_minutes", key, d.window_minutes, 1, 7 * 24 * 60),
                      r.count(raw, "min_conversations", key, d.min_conversations, 1, 1_000_000),
                      r.number(raw, "max_error_rate", key, d.max_error_rate, 0.01, 1.0),
                      r.number(raw, "max_negative_share", key, d.max_negative_share, 0.01, 1.0),
                      r.number(raw, "check_seconds", key, d.check_seconds, 1, 86_400))


def _load(r: _Reader, raw: Any) -> LoadRules:
    raw = r.section(raw, "load", ("enabled", "busy", "idle"))
    key, d = "load.busy", Busy()
    busy = r.section(raw.get("busy"), key, ("max_wait_seconds", "no_capacity", "applies_to", "instead"))
    applies = r.names(busy, "applies_to", key, d.applies_to)
    wrong = [p for p in applies if p not in PRIORITIES]
    if wrong:
        raise r.fail(f"{key}.applies_to", f"has '{wrong[0]}'; priorities are {', '.join(PRIORITIES)}")
    ikey, i = "load.idle", Idle()
    idle = r.section(raw.get("idle"), ikey, ("min_free_places", "strong_negative", "trend_threshold"))
    return LoadRules(r.typed(raw, "enabled", "load", bool, LoadRules.enabled),
                     Busy(r.number(busy, "max_wait_seconds", key, d.max_wait_seconds, 0, 86_400),
                          r.typed(busy, "no_capacity", key, bool, d.no_capacity), applies,
                          r.choice(busy, "instead", key, d.instead, INSTEAD)),
                     Idle(r.count(idle, "min_free_places", ikey, i.min_free_places, 1, 10_000),
                          r.number(idle, "strong_negative", ikey, i.strong_negative, -1.0, 0.0),
                          r.number(idle, "trend_threshold", ikey, i.trend_threshold, -1.0, 0.0)))
