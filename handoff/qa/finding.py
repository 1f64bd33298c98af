"""A finding: what the quality review saw in a conversation, on which customer turn,
with its evidence (the words or the measured value), as the API and the console show it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, FrozenSet, Optional

WORD = re.compile(r"[a-z0-9@.]+")
STOP = frozenset("the a an and or to of in on for is are was it i you we my your our me this that with at be "
                 "can do does have has please so just not no yes".split())


@dataclass(frozen=True)
class Finding:
    kind: str
    turn: int                       # the customer turn (1-based; 0: before the customer wrote)
    detail: str                     # what happened, in words a reviewer understands
    value: Optional[float] = None   # the measured value (a score, seconds, a similarity)
    evidence: str = ""              # the words it is about (personal data masked)

    def as_dict(self) -> Dict[str, Any]:
        return {"kind": self.kind, "turn": self.turn, "detail": self.detail, "value": self.value,
                "evidence": self.evidence}

    @classmethod
    def from_dict(cls, raw: Dict[str, Any]) -> Finding:
        return cls(str(raw["kind"]), int(raw["turn"]), str(raw.get("detail", "")), raw.get("value"),
                   str(raw.get("evidence", "")))


def words(text: str) -> FrozenSet[str]:
    """The content words of a text, lower-cased."""
    return frozenset(w.strip(".") for w in WORD.findall(text.lower()) if w.strip(".") not in STOP and len(w) > 1)


def similarity(a: str, b: str) -> float:
    """Shared content words over all of them (Jaccard), 0 to 1."""
    left, right = words(a), words(b)
    return len(left & right) / len(left | right) if left and right else 0.0


def containment(part: str, whole: str) -> float:
    """How much of `part`'s content words are in `whole`, 0 to 1 (0 for fewer than 3 words)."""
    mine = words(part)
    return len(mine & words(whole)) / len(mine) if len(mine) >= 3 else 0.0


def short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
