"""qa.yml: the points each kind of finding takes off, the thresholds the findings use
and when a conversation is flagged for review. Loaded once, validated completely: an
unknown key, a wrong type or a value out of range raises ConfigError naming the file,
the key and what is allowed (like handoff.yml, handoff.config)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Pattern, Tuple

import yaml

from handoff.config import _Reader
from handoff.errors import ConfigError

DEFAULT_FILE = Path(__file__).resolve().parent.parent.parent / "qa.yml"
KINDS = ("task_completed", "task_failed", "fallback", "out_of_coverage", "customer_repeated", "sentiment_dropped",
         "late_handoff", "faq_handoff", "slow_pickup", "slow_agent_reply", "agent_repeated_details", "no_apology",
         "personal_data", "low_rating", "rating")
DEFAULT_WEIGHTS = {"task_completed": 0, "task_failed": 25, "fallback": 8, "out_of_coverage": 6,
                   "customer_repeated": 10, "sentiment_dropped": 10, "late_handoff": 12, "faq_handoff": 8,
                   "slow_pickup": 8, "slow_agent_reply": 5, "agent_repeated_details": 3, "no_apology": 6,
                   "personal_data": 5, "low_rating": 15, "rating": 0}
# name: (default, low, high)
THRESHOLDS: Dict[str, Tuple[float, float, float]] = {
    "repeat_similarity": (0.75, 0.1, 1.0), "sentiment_drop": (0.4, 0.0, 2.0), "frustrated": (-0.4, -1.0, 0.0),
    "late_turns": (2, 1, 50), "faq_similarity": (0.6, 0.1, 1.0), "pickup_seconds": (120, 0, 86400),
    "reply_seconds": (90, 0, 86400), "low_rating": (2, 1, 5)}
TOP = ("version", "flag_below", "weights", "max_per_kind", "thresholds", "complaint_intents", "apology_words",
       "order_intents", "booking_intents", "booking_done", "fallback_intents", "out_of_scope_intents")


@dataclass(frozen=True)
class Rubric:
    flag_below: float
    weights: Dict[str, float]
    max_per_kind: int
    thresholds: Dict[str, float]
    complaint_intents: Tuple[str, ...]
    apology_words: Tuple[str, ...]
    order_intents: Tuple[str, ...]
    booking_intents: Tuple[str, ...]
    booking_done: Pattern[str]
    fallback_intents: Tuple[str, ...]
    out_of_scope_intents: Tuple[str, ...]

    def __getitem__(self, threshold: str) -> float:
        return self.thresholds[threshold]

    @classmethod
    def load(cls, path: Optional[Path] = None) -> Rubric:
        path = path or DEFAULT_FILE
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(str(path), "file", f"cannot be read ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(str(path), "file", f"is not valid YAML ({exc})") from exc
        return cls.from_dict(raw or {}, str(path))

    @classmethod
    def from_dict(cls, raw: Any, source: str = "qa.yml") -> Rubric:
        r = _Reader(source)
        top = r.section(raw, "", TOP)
        weights = r.section(top.get("weights", {}), "weights", KINDS)
        limits = r.section(top.get("thresholds", {}), "thresholds", tuple(THRESHOLDS))
        return cls(
            flag_below=r.number(top, "flag_below", "", 70, 0, 100),
            weights={k: r.number(weights, k, "weights", DEFAULT_WEIGHTS[k], 0, 100) for k in KINDS},
            max_per_kind=r.count(top, "max_per_kind", "", 3, 1, 100),
            thresholds={k: r.number(limits, k, "thresholds", *spec) for k, spec in THRESHOLDS.items()},
            complaint_intents=r.names(top, "complaint_intents", "", ("complain",)),
            apology_words=tuple(w.lower() for w in r.names(top, "apology_words", "", (
                "sorry", "apologise", "apologize", "apologies", "unfortunately", "regret"))),
            order_intents=r.names(top, "order_intents", "", ("track_order",)),
            booking_intents=r.names(top, "booking_intents", "", ("book_appointment", "reschedule_appointment",
                                                                 "cancel_appointment")),
            booking_done=_pattern(r, top, "booking_done", r"^(Booked!|Done:)"),
            fallback_intents=r.names(top, "fallback_intents", "", ("nlu_fallback",)),
            out_of_scope_intents=r.names(top, "out_of_scope_intents", "", ("out_of_scope",)),
        )

    def as_dict(self) -> Dict[str, Any]:
        return {"flag_below": self.flag_below, "weights": dict(self.weights), "max_per_kind": self.max_per_kind,
                "thresholds": dict(self.thresholds)}


def _pattern(r: _Reader, raw: Mapping[str, Any], name: str, default: str) -> Pattern[str]:
    text = r.typed(raw, name, "", str, default)
    try:
        return re.compile(text)
    except re.error as exc:
        raise r.fail(name, f"is not a valid regular expression ({exc})") from exc
