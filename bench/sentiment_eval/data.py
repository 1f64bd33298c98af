"""The labelled messages: VADER's ground truth (read where it is kept, through
handoff.sentiment_training), the customer-service set of bench/data/, and the held-out
customer requests of bench/data/nlu_heldout.yml with their categories."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
import re
from typing import Any, List, Sequence

import yaml

from bench.sentiment_eval import SentimentBenchError

ROOT = Path(__file__).resolve().parent.parent.parent
CUSTOMER_SERVICE = ROOT / "bench" / "data" / "sentiment_customer_service.yml"
# Kept beside the project, in ../shared/benchmarks (or higher up, from a worktree).
VADER_DIR = next((parent / "shared" / "benchmarks" / "data" / "vader" for parent in ROOT.parents
                  if (parent / "shared" / "benchmarks" / "data" / "vader").is_dir()),
                 ROOT.parent / "shared" / "benchmarks" / "data" / "vader")
NEAR = 0.6  # word overlap at which a labelled message counts as one the heads have seen


@dataclass(frozen=True)
class Labelled:
    text: str
    negative: bool
    source: str  # "tweets", "reviews" or "customer_service"


def parse_message(raw: Any, index: int) -> Labelled:
    where = f"message {index + 1}"
    if not isinstance(raw, dict) or set(raw) != {"text", "negative"}:
        raise SentimentBenchError(f"{where} ({raw!r}): write it as {{text: \"...\", negative: true|false}}")
    if not isinstance(raw["text"], str) or not raw["text"].strip():
        raise SentimentBenchError(f"{where}: text must be a non-empty string, not {raw['text']!r}")
    if not isinstance(raw["negative"], bool):
        raise SentimentBenchError(f"{where} ({raw['text']!r}): negative must be true or false, "
                                  f"not {raw['negative']!r}")
    return Labelled(raw["text"], raw["negative"], "customer_service")


def load_customer_service(path: Path = CUSTOMER_SERVICE) -> List[Labelled]:
    data = yaml.safe_load(path.read_text()) or {}
    if data.get("version") != 1 or not isinstance(data.get("messages"), list):
        raise SentimentBenchError(f"{path}: expected 'version: 1' and a list under 'messages'")
    return [parse_message(raw, index) for index, raw in enumerate(data["messages"])]


def load_vader(folder: Path = VADER_DIR) -> List[Labelled]:
    """VADER's tweets and review snippets; negative when the mean human rating is below 0."""
    from handoff.sentiment_training import read_vader

    return [Labelled(row.text, row.rating < 0, row.source) for row in read_vader(folder)]


def load_heldout_requests() -> List[Labelled]:
    """The held-out requests of bench/data/nlu_heldout.yml; ``source`` is their category
    (covered, human, complaint, ...), ``negative`` whether it is a complaint."""
    from bench.nlu_eval.dataset import load_items

    return [Labelled(item.text, item.category == "complaint", item.category) for item in load_items()]


def _words(text: str) -> frozenset:
    return frozenset(re.findall(r"[a-z0-9']+", text.lower()))


def close_to(texts: Sequence[str], trained: Sequence[str], overlap: float = NEAR) -> List[bool]:
    """Whether each text is, or nearly is, one of the trained texts: at least ``overlap``
    of the words of both (Jaccard), so that a reworded copy counts as seen."""
    known = [_words(t) for t in trained]
    return [any(len(w & k) >= overlap * len(w | k) for k in known if w | k) for w in map(_words, texts)]
