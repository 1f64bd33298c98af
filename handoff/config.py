"""handoff.yml: which triggers run, their thresholds and windows, offer or transfer,
the sensitive topics, and the skill and priority each reason needs.

Loaded once, validated completely: an unknown key, a wrong type or a value out of
range raises ConfigError naming the file, the key and what is allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Pattern, Tuple, Type

import yaml

from handoff.errors import ConfigError

MODES = ("offer", "transfer")
PRIORITIES = ("low", "normal", "high", "urgent")
DEFAULT_FILE = Path(__file__).resolve().parent.parent / "handoff.yml"


@dataclass(frozen=True)
class Route:
    skill: str
    priority: str


@dataclass(frozen=True)
class ExplicitConfig:
    enabled: bool
    mode: str
    intents: Tuple[str, ...]
    patterns: Tuple[Pattern[str], ...]
    min_confidence: float = 0.3  # an intent of `intents` among the top ones with at least this


@dataclass(frozen=True)
class SentimentConfig:
    enabled: bool
    mode: str
    strong_negative: float
    trend_window: int
    trend_threshold: float


@dataclass(frozen=True)
class LoopConfig:
    enabled: bool
    mode: str
    fallbacks_in_a_row: int
    same_intent_count: int
    same_intent_within: int
    same_response_count: int
    same_slot_asked: int
    turn_budget: int
    fallback_intents: Tuple[str, ...]
    routine_intents: Tuple[str, ...]
    task_actions: Tuple[str, ...]
    closing_intents: Tuple[str, ...]
    not_understood_in_a_row: int = 3
    out_of_scope_intents: Tuple[str, ...] = ("out_of_scope",)


@dataclass(frozen=True)
class Topic:
    name: str
    intents: Tuple[str, ...]
    patterns: Tuple[Pattern[str], ...]
    skill: str
    priority: str
    mode: str
    min_confidence: float = 0.3  # an intent of `intents` counts only when it won with at least this


@dataclass(frozen=True)
class GrayAreaConfig:
    enabled: bool
    mode: str
    low_confidence: float
    min_margin: float
    ignore_intents: Tuple[str, ...]
    out_of_scope_intents: Tuple[str, ...]
    out_of_scope_count: int
    topics: Tuple[Topic, ...]


@dataclass(frozen=True)
class HandoffConfig:
    explicit: ExplicitConfig
    sentiment: SentimentConfig
    loop: LoopConfig
    gray_area: GrayAreaConfig
    routes: Dict[str, Route]
    reoffer_drop: float
    skills_by_intent: Dict[str, str] = field(default_factory=dict)
    desk: Any = None  # handoff.control.settings.DeskConfig: costs, staffing, kill switch, load rules

    def route(self, reason: str) -> Route:
        return self.routes.get(reason) or self.routes.get("default") or Route("general", "normal")

    @classmethod
    def load(cls, path: Optional[Path] = None) -> HandoffConfig:
        path = path or DEFAULT_FILE
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(str(path), "file", f"cannot be read ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(str(path), "file", f"is not valid YAML ({exc})") from exc
        return cls.from_dict(raw or {}, str(path))

    @classmethod
    def from_dict(cls, raw: Any, source: str = "handoff.yml") -> HandoffConfig:
        reader = _Reader(source)
        from handoff.control.settings import DeskConfig

        top = reader.section(raw, "", ("version", "triggers", "routing", "reoffer_drop", "skills_by_intent",
                                       "costs", "staffing", "kill_switch", "load"))
        triggers = reader.section(top.get("triggers", {}), "triggers", ("explicit", "sentiment", "loop", "gray_area"))
        return cls(
            explicit=_explicit(reader, triggers.get("explicit", {})),
            sentiment=_sentiment(reader, triggers.get("sentiment", {})),
            loop=_loop(reader, triggers.get("loop", {})),
            gray_area=_gray_area(reader, triggers.get("gray_area", {})),
            routes=_routes(reader, top.get("routing", {})),
            reoffer_drop=reader.number(top, "reoffer_drop", "", 0.2, 0.0, 2.0),
            skills_by_intent=_skills(reader, top.get("skills_by_intent", {})),
            desk=DeskConfig.from_sections(top, source),
        )


class _Reader:
    """Typed reads with messages that name the file, the key and what is allowed."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.source, key, problem)

    def section(self, raw: Any, key: str, allowed: Tuple[str, ...]) -> Mapping[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise self.fail(key or "(top level)", f"must be a mapping with keys {', '.join(allowed)}")
        for name in raw:
            if name not in allowed:
                raise self.fail(_join(key, str(name)), f"is not a known key; allowed here: {', '.join(allowed)}")
        return raw

    def typed(self, raw: Mapping[str, Any], name: str, key: str, kind: Type, default: Any) -> Any:
        value = raw.get(name, default)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(_join(key, name), f"is {value!r}; it must be {kind.__name__}")
        return value

    def number(self, raw: Mapping[str, Any], name: str, key: str, default: float, low: float, high: float) -> float:
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.fail(_join(key, name), f"is {value!r}; it must be a number from {low} to {high}")
        return float(value)

    def count(self, raw: Mapping[str, Any], name: str, key: str, default: int, low: int = 1, high: int = 1000) -> int:
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(_join(key, name), f"is {value!r}; it must be a whole number from {low} to {high}")
        return value

    def choice(self, raw: Mapping[str, Any], name: str, key: str, default: str, allowed: Tuple[str, ...]) -> str:
        value = raw.get(name, default)
        if value not in allowed:
            raise self.fail(_join(key, name), f"is {value!r}; allowed: {', '.join(allowed)}")
        return value

    def names(self, raw: Mapping[str, Any], name: str, key: str, default: Tuple[str, ...] = ()) -> Tuple[str, ...]:
        value = raw.get(name, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(_join(key, name), "must be a list of names")
        return tuple(value)

    def patterns(self, raw: Mapping[str, Any], name: str, key: str) -> Tuple[Pattern[str], ...]:
        compiled = []
        for i, text in enumerate(self.names(raw, name, key)):
            try:
                compiled.append(re.compile(text, re.IGNORECASE))
            except re.error as exc:
                raise self.fail(f"{_join(key, name)}[{i}]", f"is not a valid regular expression ({exc})") from exc
        return tuple(compiled)


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _explicit(r: _Reader, raw: Any) -> ExplicitConfig:
    key = "triggers.explicit"
    raw = r.section(raw, key, ("enabled", "mode", "intents", "patterns", "min_confidence"))
    return ExplicitConfig(r.typed(raw, "enabled", key, bool, True), r.choice(raw, "mode", key, "transfer", MODES),
                          r.names(raw, "intents", key), r.patterns(raw, "patterns", key),
                          r.number(raw, "min_confidence", key, 0.3, 0.0, 1.0))


def _sentiment(r: _Reader, raw: Any) -> SentimentConfig:
    key = "triggers.sentiment"
    raw = r.section(raw, key, ("enabled", "mode", "strong_negative", "trend_window", "trend_threshold"))
    return SentimentConfig(r.typed(raw, "enabled", key, bool, True), r.choice(raw, "mode", key, "offer", MODES),
                           r.number(raw, "strong_negative", key, -0.75, -1.0, 0.0),
                           r.count(raw, "trend_window", key, 3, 2, 20),
                           r.number(raw, "trend_threshold", key, -0.4, -1.0, 0.0))


def _loop(r: _Reader, raw: Any) -> LoopConfig:
    key = "triggers.loop"
    raw = r.section(raw, key, ("enabled", "mode", "fallbacks_in_a_row", "same_intent_count", "same_intent_within",
                               "same_response_count", "same_slot_asked", "turn_budget", "fallback_intents",
                               "routine_intents", "task_actions", "closing_intents", "not_understood_in_a_row",
                               "out_of_scope_intents"))
    return LoopConfig(r.typed(raw, "enabled", key, bool, True), r.choice(raw, "mode", key, "transfer", MODES),
                      r.count(raw, "fallbacks_in_a_row", key, 2), r.count(raw, "same_intent_count", key, 3, 2),
                      r.count(raw, "same_intent_within", key, 6, 2), r.count(raw, "same_response_count", key, 3, 2),
                      r.count(raw, "same_slot_asked", key, 3, 2), r.count(raw, "turn_budget", key, 15, 2),
                      r.names(raw, "fallback_intents", key, ("nlu_fallback",)),
                      r.names(raw, "routine_intents", key, ("greet", "goodbye", "thank", "affirm", "deny", "rate_agent")),
                      r.names(raw, "task_actions", key, ("utter_faq", "action_check_order",
                                                         "action_confirm_appointment", "action_list_appointments")),
                      r.names(raw, "closing_intents", key, ("stop", "goodbye", "thank", "rate_agent")),
                      r.count(raw, "not_understood_in_a_row", key, 3, 2),
                      r.names(raw, "out_of_scope_intents", key, ("out_of_scope",)))


def _topic(r: _Reader, name: str, raw: Any) -> Topic:
    key = f"triggers.gray_area.sensitive_topics.{name}"
    raw = r.section(raw, key, ("intents", "patterns", "skill", "priority", "mode", "min_confidence"))
    topic = Topic(name, r.names(raw, "intents", key), r.patterns(raw, "patterns", key),
                  r.typed(raw, "skill", key, str, "general"), r.choice(raw, "priority", key, "high", PRIORITIES),
                  r.choice(raw, "mode", key, "transfer", MODES), r.number(raw, "min_confidence", key, 0.3, 0.0, 1.0))
    if not topic.intents and not topic.patterns:
        raise r.fail(key, "needs intents or patterns (or both)")
    return topic


def _gray_area(r: _Reader, raw: Any) -> GrayAreaConfig:
    key = "triggers.gray_area"
    raw = r.section(raw, key, ("enabled", "mode", "low_confidence", "min_margin", "ignore_intents",
                               "out_of_scope_intents", "out_of_scope_count", "sensitive_topics"))
    topics = raw.get("sensitive_topics") or {}
    if not isinstance(topics, dict):
        raise r.fail(f"{key}.sensitive_topics", "must be a mapping of topic name to its definition")
    return GrayAreaConfig(r.typed(raw, "enabled", key, bool, True), r.choice(raw, "mode", key, "offer", MODES),
                          r.number(raw, "low_confidence", key, 0.4, 0.0, 1.0),
                          r.number(raw, "min_margin", key, 0.05, 0.0, 1.0),
                          r.names(raw, "ignore_intents", key, ("nlu_fallback",)),
                          r.names(raw, "out_of_scope_intents", key, ("out_of_scope",)),
                          r.count(raw, "out_of_scope_count", key, 2),
                          tuple(_topic(r, str(name), spec) for name, spec in topics.items()))


def _routes(r: _Reader, raw: Any) -> Dict[str, Route]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise r.fail("routing", "must map a reason (explicit, sentiment, loop, gray_area, default) to skill and priority")
    routes = {}
    for reason, spec in raw.items():
        key = f"routing.{reason}"
        spec = r.section(spec, key, ("skill", "priority"))
        routes[str(reason)] = Route(r.typed(spec, "skill", key, str, "general"),
                                    r.choice(spec, "priority", key, "normal", PRIORITIES))
    return routes


def _skills(r: _Reader, raw: Any) -> Dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in raw.items()):
        raise r.fail("skills_by_intent", "must map intent names (or faq/<key>) to skill names, e.g. "
                     "{track_order: orders}")
    return dict(raw)
