"""The benchmark's table: negative-class precision, recall, F1 and ms per message."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np

from handoff.sentiment_training import f1

HEADER = ("| set | P(negative) from | scorer | precision | recall | F1 | ms/message |\n"
          "|---|---|---|---|---|---|---|")


def rows(subset: str, protocol: str, predicted: Dict[str, np.ndarray], gold: np.ndarray,
         ms: Dict[str, float], mask: Optional[np.ndarray] = None, only: Optional[Sequence[str]] = None) -> List[str]:
    mask = np.ones(len(gold), dtype=bool) if mask is None else mask
    lines = []
    for scorer, calls in predicted.items():
        if only is not None and scorer not in only:
            continue
        figures = f1(list(calls[mask]), list(gold[mask]))
        lines.append(f"| {subset} | {protocol} | {scorer} | {figures['precision']:.3f} | {figures['recall']:.3f} "
                     f"| {figures['f1']:.3f} | {ms[scorer]:.2f} |")
    return lines
