"""Evidence: why a trigger fired, as stored in the tracker slot ``handoff_reasons``."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict

PRIORITY_RANK = {"low": 0, "normal": 1, "high": 2, "urgent": 3}


@dataclass(frozen=True)
class Evidence:
    trigger: str     # explicit | sentiment | loop | gray_area
    turn: int        # customer turn (1-based) at which it fired
    detail: str      # what happened, in words an agent understands
    value: float     # the measured value (a score, a count, a confidence)
    threshold: float  # the configured threshold it crossed
    skill: str
    priority: str
    mode: str = "transfer"  # offer | transfer
    reason: str = ""        # the key declines are remembered by, e.g. "gray_area:legal_threat"
    rule: str = ""          # a desk rule that made it fire (load.idle), see handoff.control

    @property
    def key(self) -> str:
        return self.reason or self.trigger

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Dict[str, Any]) -> Evidence:
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})

    def rank(self) -> tuple:
        return (PRIORITY_RANK.get(self.priority, 1), self.mode == "transfer")
