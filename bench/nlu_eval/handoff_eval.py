"""Handoff detection on labelled conversations (bench/data/handoff_heldout.yml and
bench/data/handoff_conversations.yml) through the running servers, with the
conversation runner and timing score of bench/handoff_detection.py."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from bench import handoff_detection
from bench.nlu_eval.dataset import load_conversations
from tests.servers import Servers


def run_file(servers: Servers, path: Path) -> List[Dict[str, Any]]:
    conversations = [{"id": c.id, "messages": list(c.messages),
                      "gold": {"turn": c.gold_turn, "reason": c.gold_reason} if c.gold_turn else None}
                     for c in load_conversations(path)]
    return handoff_detection.run(servers, conversations)


def summary(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    tp = sum(1 for r in rows if r["gold_turn"] and r["turn"])
    fp = sum(1 for r in rows if not r["gold_turn"] and r["turn"])
    fn = sum(1 for r in rows if r["gold_turn"] and not r["turn"])
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "conversations": len(rows),
        "should_hand_off": sum(1 for r in rows if r["gold_turn"]),
        "routine": sum(1 for r in rows if not r["gold_turn"]),
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "false_handoffs": fp, "missed": fn,
        "right_reason": sum(1 for r in rows if r["gold_turn"] and r["turn"] and r["reason"] == r["gold_reason"]),
        "timing": {f"t{t}": round(sum(handoff_detection.timing(r["gold_turn"], r["turn"], t) for r in rows)
                                  / len(rows), 4) for t in (1, 2, 3)},
        "misses": [r["id"] for r in rows
                   if bool(r["gold_turn"]) != bool(r["turn"]) or (r["gold_turn"] and r["reason"] != r["gold_reason"])],
    }


def evaluate(servers: Servers, paths: Dict[str, Path]) -> Dict[str, Dict[str, Any]]:
    return {name: {**summary(rows), "rows": rows} for name, rows in
            ((name, run_file(servers, path)) for name, path in paths.items())}


