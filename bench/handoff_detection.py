"""Handoff detection on the labeled conversations of bench/data/handoff_conversations.yml,
against the real bot over REST: each conversation is sent message by message to the
Rasa and action servers; the tracker's ``handoff_reasons`` slot tells whether, when
and why the bot handed off (an offer or a transfer).

Prints precision, recall and F1 (a conversation is positive when it should hand off),
the false-handoff rate on routine conversations, reason accuracy, and "golden
transfer within tolerance": per conversation with gold turn q and first firing turn
p, exp(-(p-q)^2 / (2 t^2)) for t = 1, 2, 3; both absent scores 1, one absent 0.

    .venv/bin/python bench/handoff_detection.py [--model models/assistant.tar.gz] [--verbose]
"""
from __future__ import annotations

import argparse
import math
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from tests.servers import Servers  # noqa: E402

DATA = ROOT / "bench" / "data" / "handoff_conversations.yml"


def first_firing(tracker: Dict[str, Any]) -> Tuple[Optional[int], Optional[str]]:
    for event in tracker["events"]:
        if event.get("event") == "slot" and event.get("name") == "handoff_reasons" and event.get("value"):
            top = event["value"][0]
            return int(top["turn"]), top["trigger"]
    return None, None


def timing(gold: Optional[int], fired: Optional[int], t: float) -> float:
    if gold is None and fired is None:
        return 1.0
    if gold is None or fired is None:
        return 0.0
    return math.exp(-((fired - gold) ** 2) / (2 * t * t))


def run(servers: Servers, conversations: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    rows = []
    for conversation in conversations:
        sender = f"{conversation['id']}-{uuid.uuid4().hex[:6]}"
        for message in conversation["messages"]:
            servers.say(sender, message)
        turn, trigger = first_firing(servers.tracker(sender))
        gold = conversation.get("gold") or {}
        rows.append({"id": conversation["id"], "gold_turn": gold.get("turn"), "gold_reason": gold.get("reason"),
                     "turn": turn, "reason": trigger})
    return rows


def report(rows: List[Dict[str, Any]]) -> None:
    tp = sum(1 for r in rows if r["gold_turn"] and r["turn"])
    fp = sum(1 for r in rows if not r["gold_turn"] and r["turn"])
    fn = sum(1 for r in rows if r["gold_turn"] and not r["turn"])
    routine = sum(1 for r in rows if not r["gold_turn"])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    right_reason = sum(1 for r in rows if r["gold_turn"] and r["turn"] and r["reason"] == r["gold_reason"])
    print(f"\n{len(rows)} conversations ({len(rows) - routine} should hand off, {routine} routine)\n")
    print("| precision | recall | F1 | false handoffs (routine) | right reason | timing t=1 | t=2 | t=3 |")
    print("|---|---|---|---|---|---|---|---|")
    scores = [sum(timing(r["gold_turn"], r["turn"], t) for r in rows) / len(rows) for t in (1, 2, 3)]
    print(f"| {precision:.3f} | {recall:.3f} | {f1:.3f} | {fp}/{routine} ({fp / routine:.1%}) | "
          f"{right_reason}/{tp} | {scores[0]:.3f} | {scores[1]:.3f} | {scores[2]:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    if not args.model.exists():
        raise SystemExit(f"{args.model} does not exist: run `make train` first (or give --model)")
    conversations = yaml.safe_load(args.data.read_text())["conversations"]
    servers = Servers(Path(tempfile.mkdtemp(prefix="bench-handoff-")), args.model).start()
    try:
        rows = run(servers, conversations)
    finally:
        servers.stop()
    if args.verbose:
        for r in rows:
            ok = "ok " if bool(r["gold_turn"]) == bool(r["turn"]) and r["gold_reason"] == r["reason"] else "MISS"
            print(f"{ok} {r['id']:<14} gold {r['gold_turn']!s:>4} {r['gold_reason']!s:<10} "
                  f"fired {r['turn']!s:>4} {r['reason']!s}")
    report(rows)


if __name__ == "__main__":
    main()
