"""Quality review throughput and what it flags, on the labelled conversations of
bench/data/ (handoff_conversations.yml and handoff_heldout.yml).

Each conversation is sent message by message to the real Rasa and action servers (as
bench/handoff_detection.py does) and its tracker kept in --trackers; --reuse scores
those again without the servers. Prints conversations reviewed per second (one process,
and one per core), and how many conversations the review flags (score below qa.yml's
flag_below): of those a person should take over (gold turn), and of the routine ones.

    .venv/bin/python bench/qa.py [--model models/assistant.tar.gz] [--reuse] [--rubric qa.yml]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from handoff.qa.domain import Catalogue  # noqa: E402
from handoff.qa.rubric import DEFAULT_FILE, Rubric  # noqa: E402
from handoff.qa.scoring import review_events  # noqa: E402

DATA = [ROOT / "bench" / "data" / "handoff_conversations.yml", ROOT / "bench" / "data" / "handoff_heldout.yml"]
TRACKERS = ROOT / "var" / "bench-qa-trackers.json"
_WORK: Dict[str, Any] = {}


def labelled() -> List[Dict[str, Any]]:
    return [c for path in DATA for c in yaml.safe_load(path.read_text())["conversations"]]


def collect(model: Path, conversations: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    from tests.servers import Servers

    servers = Servers(Path(tempfile.mkdtemp(prefix="bench-qa-")), model).start()
    try:
        trackers = []
        for conversation in conversations:
            sender = f"{conversation['id']}-{uuid.uuid4().hex[:6]}"
            for message in conversation["messages"]:
                servers.say(sender, message)
            trackers.append({"id": conversation["id"], "gold": conversation.get("gold"),
                             "sender_id": sender, "events": servers.tracker(sender)["events"]})
        return trackers
    finally:
        servers.stop()


def _init(rubric_file: str, trackers: List[Dict[str, Any]]) -> None:
    _WORK.update(rubric=Rubric.load(Path(rubric_file)), answers=Catalogue.load().answers, trackers=trackers)


def _score(rounds: int) -> int:
    done = 0
    for _ in range(rounds):
        for t in _WORK["trackers"]:
            review_events(t["sender_id"], t["events"], _WORK["rubric"], _WORK["answers"])
            done += 1
    return done


def throughput(rubric_file: Path, trackers: List[Dict[str, Any]], processes: int, seconds: float = 3.0) -> float:
    _init(str(rubric_file), trackers)
    started = time.perf_counter()
    _score(1)
    rounds = max(1, int(seconds / max(time.perf_counter() - started, 1e-6)))
    with multiprocessing.get_context("fork").Pool(processes, _init, (str(rubric_file), trackers)) as pool:
        started = time.perf_counter()
        done = sum(pool.map(_score, [rounds] * processes))
        return done / (time.perf_counter() - started)


def report(trackers: List[Dict[str, Any]], rubric: Rubric) -> None:
    answers = Catalogue.load().answers
    rows = [(t, review_events(t["sender_id"], t["events"], rubric, answers)) for t in trackers]
    handoff = [(t, r) for t, r in rows if (t.get("gold") or {}).get("turn")]
    routine = [(t, r) for t, r in rows if not (t.get("gold") or {}).get("turn")]

    def flagged(pairs: List[Any]) -> int:
        return sum(1 for _, r in pairs if r.flagged)
    kinds = Counter(f.kind for _, r in rows for f in r.findings if rubric.weights.get(f.kind))
    print(f"\n{len(rows)} labelled conversations; flag_below {rubric.flag_below:.0f}\n")
    print("| conversations | flagged | mean score |")
    print("|---|---|---|")
    for name, pairs in (("should hand off (gold turn)", handoff), ("routine", routine), ("all", rows)):
        mean = sum(r.score for _, r in pairs) / len(pairs) if pairs else 0.0
        print(f"| {name}: {len(pairs)} | {flagged(pairs)} ({flagged(pairs) / max(len(pairs), 1):.0%}) | {mean:.1f} |")
    print("\nfindings that take points off: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_model = ROOT / "models" / "assistant.tar.gz"
    if not default_model.exists():
        default_model = ROOT / ".cache" / "test" / "models" / "assistant.tar.gz"
    parser.add_argument("--model", type=Path, default=default_model)
    parser.add_argument("--rubric", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--trackers", type=Path, default=TRACKERS, help="where the collected trackers are kept")
    parser.add_argument("--reuse", action="store_true", help="score the kept trackers without starting servers")
    args = parser.parse_args()
    if args.reuse:
        trackers = json.loads(args.trackers.read_text())
    else:
        if not args.model.exists():
            raise SystemExit(f"{args.model} does not exist: run `make train` first (or give --model)")
        trackers = collect(args.model, labelled())
        args.trackers.parent.mkdir(parents=True, exist_ok=True)
        args.trackers.write_text(json.dumps(trackers))
    events = sum(len(t["events"]) for t in trackers)
    print(f"{len(trackers)} conversations, {events / len(trackers):.0f} tracker events each on average "
          f"(model {args.model}; {os.cpu_count()} cores)\n")
    print("| processes | conversations reviewed per second |")
    print("|---|---|")
    for processes in sorted({1, min(2, os.cpu_count() or 1)}):
        print(f"| {processes} | {throughput(args.rubric, trackers, processes):.0f} |")
    report(trackers, Rubric.load(args.rubric))


if __name__ == "__main__":
    main()
