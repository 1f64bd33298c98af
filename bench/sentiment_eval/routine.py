"""How often the shipped heads, folded as the assistant folds them, call a held-out
request negative (bench/data/nlu_heldout.yml): on routine requests that is a false
alarm, and a score at or below the sentiment trigger's ``strong_negative`` would bring
an offer of a person on its own; on complaints and requests for a person it is what
the trend counts."""
from __future__ import annotations

from typing import List, Sequence

import numpy as np

from bench.sentiment_eval.scorers import FRUSTRATED
from handoff.sentiment import NEGATIVE, Sentiment

HEADER = ("| held-out requests | n | labelled negative | score <= -0.3 | score <= {strong} (strong_negative) |\n"
          "|---|---|---|---|---|")


def share_line(name: str, folded: Sequence[Sentiment], strong_negative: float) -> str:
    if not folded:
        return f"| {name} | 0 | - | - | - |"
    label = np.mean([s.label == NEGATIVE for s in folded])
    frustrated = np.mean([s.score <= FRUSTRATED for s in folded])
    strong = np.mean([s.score <= strong_negative for s in folded])
    return f"| {name} | {len(folded)} | {label:.1%} | {frustrated:.1%} | {strong:.1%} |"


def share_lines(categories: Sequence[str], folded: Sequence[Sentiment], strong_negative: float) -> List[str]:
    """Routine (covered) requests, complaints and requests for a person, each on its own."""
    names = {"covered": "covered (routine)", "complaint": "complaint", "human": "asks for a person"}
    return [share_line(names[category], [s for c, s in zip(categories, folded) if c == category], strong_negative)
            for category in names]
