"""Sentiment on the VADER ground-truth sets (tweets and Amazon review snippets, human
mean ratings from -4 to +4): negative-class precision, recall, F1 and time per message
of handoff.sentiment next to plain VADER, in the same run.

A sentence is gold-negative when its mean human rating is below 0; a scorer calls it
negative when its score is below --cut (default -0.05, VADER's own convention).

    .venv/bin/python bench/sentiment.py --data ../shared/benchmarks/data/vader
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handoff.sentiment import SentimentScorer, _vader  # noqa: E402

FILES = ("tweets_GroundTruth.txt", "amazonReviewSnippets_GroundTruth.txt")


def load(folder: Path) -> List[Tuple[str, float, str]]:
    rows = []
    for name in FILES:
        for line in (folder / name).read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                rows.append((name.split("_")[0], float(parts[1]), parts[2]))
    return rows


def evaluate(score: Callable[[str], float], rows: List[Tuple[str, float, str]], cut: float) -> Tuple[float, ...]:
    started = time.perf_counter()
    scores = [score(text) for _, _, text in rows]
    per_message_ms = (time.perf_counter() - started) * 1000 / len(rows)
    predicted = [s < cut for s in scores]
    gold = [rating < 0 for _, rating, _ in rows]
    tp = sum(p and g for p, g in zip(predicted, gold))
    fp = sum(p and not g for p, g in zip(predicted, gold))
    fn = sum(g and not p for p, g in zip(predicted, gold))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall), per_message_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "data" / "vader")
    parser.add_argument("--cut", type=float, default=-0.05)
    args = parser.parse_args()
    rows = load(args.data)
    ours, vader = SentimentScorer(), _vader()
    print(f"\n{len(rows)} sentences ({sum(r < 0 for _, r, _ in rows)} gold-negative), negative below {args.cut}\n")
    print("| set | scorer | precision | recall | F1 | ms/message |")
    print("|---|---|---|---|---|---|")
    for subset in ("tweets", "amazonReviewSnippets", "both"):
        part = [r for r in rows if subset == "both" or r[0] == subset]
        for name, fn in (("handoff.sentiment", lambda t: ours.score(t).score),
                         ("VADER 3.3.2", lambda t: vader.polarity_scores(t)["compound"])):
            p, r, f, ms = evaluate(fn, part, args.cut)
            print(f"| {subset} | {name} | {p:.3f} | {r:.3f} | {f:.3f} | {ms:.3f} |")


if __name__ == "__main__":
    main()
