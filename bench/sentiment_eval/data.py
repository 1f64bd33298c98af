"""The labelled messages: VADER's ground truth (read where it is kept, through
handoff.sentiment_training) and the customer-service set of bench/data/."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, List

import yaml

from bench.sentiment_eval import SentimentBenchError

ROOT = Path(__file__).resolve().parent.parent.parent
CUSTOMER_SERVICE = ROOT / "bench" / "data" / "sentiment_customer_service.yml"
# Kept beside the project, in ../shared/benchmarks (or higher up, from a worktree).
VADER_DIR = next((parent / "shared" / "benchmarks" / "data" / "vader" for parent in ROOT.parents
                  if (parent / "shared" / "benchmarks" / "data" / "vader").is_dir()),
                 ROOT.parent / "shared" / "benchmarks" / "data" / "vader")


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
