"""Learned sentiment on top of the lexicon: two logistic regressions on the pretrained
sentence vectors (bot.components.sentence_model), trained by ``python -m handoff
train-sentiment`` (handoff.sentiment_training) and shipped as one small JSON file:

- ``polarity``: P(negative) as people rate sentences (VADER's human-rated sets): a
  complaint is negative even when it is calm. It sets the label.
- ``frustration``: the same, also taught with this project's customer-service messages,
  so that a calm report of a problem is not frustration while lost patience is. It
  lowers the score the handoff triggers read.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional

import numpy as np

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "sentiment_heads.json"


@dataclass(frozen=True)
class SentimentHead:
    weights: np.ndarray
    bias: float
    about: Dict[str, Any] = field(default_factory=dict)  # what it was trained on, and its held-out figures

    def negativity(self, vector: np.ndarray) -> float:
        """P(negative) for one normalised sentence vector."""
        z = float(np.dot(self.weights, vector) + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def as_dict(self) -> Dict[str, Any]:
        return {"weights": [round(float(w), 6) for w in self.weights], "bias": self.bias, "about": self.about}

    @classmethod
    def from_dict(cls, raw: Dict[str, Any]) -> SentimentHead:
        return cls(np.asarray(raw["weights"], dtype=np.float32), float(raw["bias"]), dict(raw.get("about", {})))


@dataclass(frozen=True)
class SentimentHeads:
    polarity: SentimentHead
    frustration: SentimentHead

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"polarity": self.polarity.as_dict(), "frustration": self.frustration.as_dict()},
                                   indent=1) + "\n")

    @classmethod
    def load(cls, path: Optional[Path] = None) -> SentimentHeads:
        path = path or DEFAULT_FILE
        try:
            raw = json.loads(Path(path).read_text())
            return cls(SentimentHead.from_dict(raw["polarity"]), SentimentHead.from_dict(raw["frustration"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a pair of sentiment heads ({exc}); train them with "
                             "'python -m handoff train-sentiment'") from exc
