"""Held-out evaluation of the assistant's understanding, on messages never trained on
(bench/data/nlu_heldout.yml; tests/bench/test_heldout_disjoint.py keeps them out of data/).

Each message is parsed in-process by the trained model (intent, FAQ key, sentiment, and
the `coverage` key when a component adds one), then sent as the first message of its own
conversation to the real Rasa, action and handoff servers, where the tracker shows what
the bot did: an FAQ answer, the fallback, an offer or a transfer to a person. Prints:
covered requests routed to the right skill or FAQ, explicit requests for a person
recognised, complaints and sensitive requests handed to a person, routine requests
handed off, uncovered requests answered with an unrelated FAQ, gibberish answered
honestly.

    .venv/bin/python bench/nlu_heldout.py [--model models/assistant.tar.gz | --train]
        [--no-servers] [--handoff] [--cv] [--clinc] [--json OUT.json] [--verbose]
    .venv/bin/python bench/nlu_heldout.py --compare before.json after.json

--handoff also runs the labelled conversations of bench/data/handoff_heldout.yml and
bench/data/handoff_conversations.yml (precision, recall, F1, false handoffs); --cv adds
Rasa's NLU cross-validation of data/nlu (slow); --clinc runs bench/clinc150.py (slower).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.nlu_eval import HeldoutError, extras, metrics, report  # noqa: E402
from bench.nlu_eval.dataset import HANDOFF_HELDOUT, HANDOFF_LABELLED, NLU_HELDOUT, Item, load_items  # noqa: E402
from bench.nlu_eval.parse import parse_all  # noqa: E402


def arguments(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument("--train", action="store_true", help="train bot/config.yml into a temporary directory first")
    parser.add_argument("--data", type=Path, default=NLU_HELDOUT)
    parser.add_argument("--no-servers", action="store_true", help="parse only: skip the behaviour figures")
    parser.add_argument("--concurrency", type=int, choices=(1, 2), default=2, help="conversations at a time")
    parser.add_argument("--handoff", action="store_true", help="also the labelled handoff conversations")
    parser.add_argument("--cv", action="store_true", help="also Rasa's NLU cross-validation (slow)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--clinc", action="store_true", help="also run bench/clinc150.py (slow)")
    parser.add_argument("--json", type=Path, help="write the result here")
    parser.add_argument("--workdir", type=Path, help="keep models, logs and the servers' data here "
                        "(default: a temporary directory, removed at the end)")
    parser.add_argument("--label", default="", help="a name for this run in --compare (default: the date)")
    parser.add_argument("--verbose", action="store_true", help="list every message the bot got wrong")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A.json", "B.json"))
    return parser.parse_args(argv)


def evaluate(args: argparse.Namespace, items: List[Item], model: Path, workdir: Path) -> Dict[str, Any]:
    texts = [item.text for item in items]
    print(f"parsing {len(texts)} held-out messages with {model}", flush=True)
    parses = asyncio.run(parse_all(model, texts))
    result: Dict[str, Any] = {
        "label": args.label or datetime.date.today().isoformat(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "model": str(model), "data": str(args.data.relative_to(ROOT) if args.data.is_relative_to(ROOT) else args.data),
        "counts": dict(Counter(item.category for item in items)),
        "parse": metrics.parse_figures(items, parses),
        "coverage": metrics.coverage_summary(items, parses),
    }
    outcomes = None
    if not args.no_servers:
        outcomes, handoff = run_servers(args, model, workdir, texts)
        result["behaviour"] = metrics.behaviour_figures(items, parses, outcomes)
        if handoff:
            result["handoff"] = handoff
    if args.cv:
        print(f"cross-validating data/nlu ({args.folds} folds)", flush=True)
        result["cross_validation"] = extras.cross_validation(workdir, args.folds)
    result["items"] = metrics.item_rows(items, parses, outcomes)
    return result


def run_servers(args: argparse.Namespace, model: Path, workdir: Path, texts: List[str]) -> tuple:
    from bench.nlu_eval import behaviour, handoff_eval
    from tests.servers import Servers

    servers = Servers(workdir / "servers", model)
    servers.workdir.mkdir(parents=True, exist_ok=True)
    servers.start()
    try:
        print(f"sending {len(texts)} messages to the servers, one conversation each", flush=True)
        outcomes = behaviour.run_messages(servers, texts, args.concurrency)
        handoff = None
        if args.handoff:
            print("running the labelled handoff conversations", flush=True)
            handoff = handoff_eval.evaluate(servers, {"held-out": HANDOFF_HELDOUT, "labelled": HANDOFF_LABELLED})
        return outcomes, handoff
    finally:
        servers.stop()


def print_misses(result: Dict[str, Any]) -> None:
    print("\nmessages handled wrongly:")
    for row in result["items"]:
        category, handed = row["category"], bool(row.get("triggers"))
        wrong = ((category == "covered" and (row["route"] != row["expected"] or handed))
                 or (category == "human" and row["route"] != "request_human" and "explicit" not in row.get("triggers", []))
                 or (category in ("complaint", "sensitive") and not handed)
                 or (category in ("uncovered", "gibberish") and (row.get("faq_answered") or row["route"].startswith("faq"))))
        if wrong:
            print(f"  {category:<9} {row['text'][:60]!r:<64} -> {row['route']} ({row['confidence']:.2f})"
                  f" {','.join(row.get('triggers', []))} {row.get('faq_answered') or ''}")


def main(argv: Optional[List[str]] = None) -> None:
    args = arguments(argv)
    if args.compare:
        a, b = (json.loads(path.read_text()) for path in args.compare)
        print(report.compare(a, b))
        return
    with tempfile.TemporaryDirectory(prefix="nlu-heldout-") as temporary:
        workdir = args.workdir or Path(temporary)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            run(args, workdir)
        except HeldoutError as error:
            raise SystemExit(str(error)) from error


def run(args: argparse.Namespace, workdir: Path) -> Dict[str, Any]:
    items = load_items(args.data)
    model = extras.train(workdir) if args.train else args.model
    if not model.exists():
        raise HeldoutError(f"{model} does not exist: run `make train`, pass --model, or use --train")
    result = evaluate(args, items, model, workdir)
    counts = ", ".join(f"{n} {category}" for category, n in result["counts"].items())
    print(f"\nheld-out set {result['data']}: {len(items)} messages ({counts})\n")
    print(report.table(result))
    if args.verbose:
        print_misses(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
        print(f"\nwrote {args.json}")
    if args.clinc:
        extras.clinc150(workdir)
    return result


if __name__ == "__main__":
    main()
