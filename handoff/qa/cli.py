"""``python -m handoff qa``: what would a changed qa.yml score on the stored conversations?
Each conversation (from Rasa's tracker store, or an exported file, as replay reads
them) is reviewed with the given rubric, with its latest handoff session from the
service's database, and compared with the score stored there.

    python -m handoff qa --rubric my-qa.yml                 # the tracker store in endpoints.yml
    python -m handoff qa --rubric my-qa.yml --file conversations.json --json
    python -m handoff qa --save                             # store the new reviews too
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from handoff.qa.domain import DEFAULT_DIR, Catalogue
from handoff.qa.rubric import DEFAULT_FILE, Rubric
from handoff.qa.scoring import QAResult, review_events
from handoff.qa.store import QAStore
from handoff.qa.view import Desk


def default_db_url(env: Optional[Mapping[str, str]] = None) -> str:
    """The handoff service's database, as the service finds it (HANDOFF_DB_URL, SHOP_DATA_DIR)."""
    env = os.environ if env is None else env
    return env.get("HANDOFF_DB_URL") or f"sqlite:///{Path(env.get('SHOP_DATA_DIR', 'var')) / 'handoff.db'}"


def add_source(parser: argparse.ArgumentParser) -> None:
    """Where conversations come from, as for replay."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"),
                        help="read Rasa's tracker store configured here (default: endpoints.yml)")
    source.add_argument("--file", type=Path, help="an exported JSON/JSONL file of trackers instead")
    parser.add_argument("--db", default=None, help="the handoff service's database URL (default: as the service)")


def add_parser(commands: Any) -> None:
    run = commands.add_parser("qa", help="re-score stored conversations with a (changed) qa.yml")
    run.add_argument("--rubric", type=Path, default=DEFAULT_FILE, help="rubric file (default: qa.yml)")
    run.add_argument("--domain", type=Path, default=DEFAULT_DIR, help="the bot's domain (default: bot/domain)")
    add_source(run)
    run.add_argument("--save", action="store_true", help="store the new reviews in the service's database")
    run.add_argument("--json", action="store_true", help="print JSON instead of a table")


def load_trackers(args: argparse.Namespace) -> List[Dict[str, Any]]:
    from handoff.replay import load_export, load_tracker_store

    if args.file:
        return load_export(args.file)
    from bot.urls import apply_defaults

    apply_defaults(os.environ)  # endpoints.yml names ${ACTIONS_URL} and ${HANDOFF_URL}
    return asyncio.run(load_tracker_store(args.endpoints))


async def rescore(trackers: List[Dict[str, Any]], rubric: Rubric, catalogue: Catalogue, db_url: str,
                  save: bool = False) -> List[Dict[str, Any]]:
    from handoff.service.store import CLOSED, OPEN, SessionStore

    sessions = SessionStore.from_url(db_url)
    results = QAStore(sessions.engine)
    rows = []
    for tracker in trackers:
        conversation_id = str(tracker.get("sender_id"))
        session = await sessions.open_for(conversation_id, OPEN + CLOSED)
        new: QAResult = review_events(conversation_id, tracker.get("events") or [], rubric, catalogue.answers,
                                      Desk.from_session(session) if session else None)
        old = await results.get(conversation_id)
        rows.append({"conversation_id": conversation_id, "old": old.score if old else None, "new": new.score,
                     "old_flagged": old.flagged if old else None, "flagged": new.flagged,
                     "findings": sorted({f.kind for f in new.findings if rubric.weights.get(f.kind)})})
        if save:
            last = max((e.get("timestamp") or 0 for e in tracker.get("events") or []), default=0)
            await results.save(new, datetime.fromtimestamp(last, timezone.utc) if last else None)
    sessions.engine.dispose()
    return rows


def totals(rows: List[Dict[str, Any]]) -> Dict[str, Any]:
    before = [r["old"] for r in rows if r["old"] is not None]
    return {"conversations": len(rows), "mean_before": round(sum(before) / len(before), 1) if before else None,
            "mean_after": round(sum(r["new"] for r in rows) / len(rows), 1) if rows else None,
            "flagged_before": sum(1 for r in rows if r["old_flagged"]),
            "flagged_after": sum(1 for r in rows if r["flagged"]),
            "newly_flagged": sum(1 for r in rows if r["flagged"] and r["old_flagged"] is False),
            "no_longer_flagged": sum(1 for r in rows if not r["flagged"] and r["old_flagged"])}


def print_table(rows: List[Dict[str, Any]]) -> None:
    print(f"{'conversation':<36} {'before':>6} {'after':>6} {'change':>7}  flagged  findings")
    for r in sorted(rows, key=lambda r: r["new"]):
        old = f"{r['old']:.0f}" if r["old"] is not None else "-"
        change = f"{r['new'] - r['old']:+.0f}" if r["old"] is not None else ""
        flag = ("yes" if r["flagged"] else "no") + ("*" if r["old_flagged"] is not None
                                                   and r["old_flagged"] != r["flagged"] else "")
        print(f"{r['conversation_id'][:36]:<36} {old:>6} {r['new']:>6.0f} {change:>7}  {flag:<7}  "
              f"{', '.join(r['findings'])}")
    t = totals(rows)
    print(f"\n{t['conversations']} conversations: mean score {t['mean_before']} -> {t['mean_after']}; flagged "
          f"{t['flagged_before']} -> {t['flagged_after']} ({t['newly_flagged']} newly, {t['no_longer_flagged']} "
          "no longer; * marks them)")


def main(args: argparse.Namespace) -> int:
    rubric, catalogue = Rubric.load(args.rubric), Catalogue.load(args.domain)
    trackers = load_trackers(args)
    rows = asyncio.run(rescore(trackers, rubric, catalogue, args.db or default_db_url(), args.save))
    if args.json:
        print(json.dumps({"results": rows, "totals": totals(rows)}, indent=2))
    else:
        print_table(rows)
    return 0
