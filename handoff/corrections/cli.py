"""``python -m handoff corrections export --out FILE``: the approved corrections leave the
desk. Wrong answers become Rasa NLU training data in FILE (put it under data/nlu/, check
it with `rasa data validate`, retrain); handoff corrections are replayed: which one
handoff.yml change would have caught the marked turns, and what it costs in extra
handoffs on the stored conversations.

    python -m handoff corrections export --out data/nlu/corrections.yml
    python -m handoff corrections export --out /tmp/c.yml --file conversations.json --db sqlite:///var/handoff.db
"""
from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path
from typing import Any, List, Tuple

from handoff.config import HandoffConfig
from handoff.corrections.actions import export_corrections
from handoff.corrections.export import ExportReport
from handoff.corrections.store import APPROVED, Correction, CorrectionStore
from handoff.corrections.suggest import suggest
from handoff.errors import HandoffError
from handoff.qa.cli import add_source, default_db_url, load_trackers

ROOT = Path(__file__).resolve().parent.parent.parent


def add_parser(commands: Any) -> None:
    corrections = commands.add_parser("corrections", help="approved corrections out of the desk")
    actions = corrections.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="approved corrections as Rasa NLU data, and handoff.yml suggestions")
    export.add_argument("--out", type=Path, required=True, help="the NLU YAML file to write")
    export.add_argument("--data", type=Path, default=ROOT / "data" / "nlu",
                        help="the training data it must not repeat (default: data/nlu)")
    export.add_argument("--config", type=Path, default=Path("handoff.yml"), help="handoff file (default: handoff.yml)")
    export.add_argument("--by", default=getpass.getuser(), help="who exports (for the audit log)")
    add_source(export)


async def _export(args: argparse.Namespace) -> Tuple[ExportReport, List[Correction]]:
    from handoff.audit import AuditLog
    from handoff.service.store import SessionStore

    engine = SessionStore.from_url(args.db or default_db_url()).engine
    store = CorrectionStore(engine)
    try:  # the export is in the desk's audit log, like every step before it
        report = await export_corrections(store, args.data, args.out, args.by, AuditLog.on(engine))
        handoffs = [c for c in await store.list((APPROVED,)) if c.kind != "wrong_answer"]
    finally:
        engine.dispose()
    return report, handoffs


def _print_handoffs(args: argparse.Namespace, handoffs: List[Correction]) -> None:
    try:
        trackers = load_trackers(args)
    except HandoffError as exc:
        print(f"\nhandoff corrections: {len(handoffs)}, not replayed: {exc}", file=sys.stderr)
        return
    found, missing = suggest(handoffs, trackers, HandoffConfig.load(args.config))
    print(f"\n{len(handoffs)} approved handoff corrections, replayed over {len(trackers)} stored conversations:")
    for correction in missing:
        print(f"  {correction.conversation_id} is not among the stored conversations: not replayed")
    if not found:
        print("  no single handoff.yml change gets more of the marked turns right")
    for s in found[:5]:
        print(f"  {s.change:<52} catches {s.caught}/{s.marked} marked turns; {s.extra_handoffs:+d} handoffs "
              f"on {s.conversations} conversations")


def main(args: argparse.Namespace) -> int:
    report, handoffs = asyncio.run(_export(args))
    print(f"wrote {len(report.written)} examples to {report.out}")
    for correction, why in report.skipped:
        print(f"  skipped '{correction.text[:60]}' ({correction.expected}): {why}")
    if handoffs:
        _print_handoffs(args, handoffs)
    return 0
