"""``python -m handoff replay``: what would the current handoff.yml do on past conversations?
``python -m handoff serve``: the handoff service for live agents (settings from the environment).
``python -m handoff train-sentiment --vader DIR``: retrain the learned sentiment head.
``python -m handoff qa``: re-score stored conversations with a (changed) qa.yml (handoff.qa.cli).
``python -m handoff corrections export --out FILE``: approved corrections as training data (handoff.corrections.cli).
``python -m handoff redact``: what privacy.yml's rules would remove, over texts or stored conversations.
``python -m handoff audit verify``: check the audit log's hash chain (handoff.audit).
``python -m handoff agents hash-token``: the token_hash of an agent's token (from standard input).
``python -m handoff erase --conversation ID | --email ADDRESS``: erase a customer's data everywhere.

    python -m handoff replay                          # the tracker store in endpoints.yml
    python -m handoff replay --file conversations.json
    python -m handoff replay --config my-handoff.yml --since 2026-11-17 --json
    python -m handoff replay --load busy              # what the load rules would have done
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from handoff.config import HandoffConfig
from handoff.corrections import cli as corrections_cli
from handoff.qa import cli as qa_cli
from handoff.control.load_rules import DeskLoad
from handoff.errors import HandoffError
from handoff.replay import ReplaySummary, load_export, load_tracker_store, replay


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m handoff", description="Handoff tools")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("replay", help="run handoff.yml over stored conversations")
    run.add_argument("--config", type=Path, default=Path("handoff.yml"), help="handoff file (default: handoff.yml)")
    source = run.add_mutually_exclusive_group()
    source.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"),
                        help="read Rasa's tracker store configured here (default: endpoints.yml)")
    source.add_argument("--file", type=Path, help="an exported JSON/JSONL file of trackers instead")
    run.add_argument("--since", help="only conversations active since this date (YYYY-MM-DD, UTC)")
    run.add_argument("--json", action="store_true", help="print JSON instead of a table")
    run.add_argument("--load", choices=("normal", "busy", "idle"), default=None,
                     help="as if the desk had been busy or idle: what handoff.yml's load rules would have done")
    commands.add_parser("serve", help="run the handoff service (HANDOFF_PORT, default 5006)")
    learn = commands.add_parser("train-sentiment", help="retrain the learned sentiment head on VADER's rated sets")
    learn.add_argument("--vader", type=Path, required=True, help="folder with VADER's *_GroundTruth.txt files")
    learn.add_argument("--out", type=Path, default=None, help="where to write it (default: the shipped head)")
    qa_cli.add_parser(commands)
    corrections_cli.add_parser(commands)
    from handoff.audit import cli as audit_cli
    from handoff.service import agents_cli

    from handoff.privacy import cli as privacy_cli
    from handoff.retention import cli as retention_cli

    privacy_cli.add_parser(commands)
    audit_cli.add_parser(commands)
    agents_cli.add_parser(commands)
    retention_cli.add_parsers(commands)
    return parser


def train_sentiment(folder: Path, out: Optional[Path]) -> int:
    from handoff.sentiment_head import DEFAULT_FILE
    from handoff.sentiment_training import train

    try:
        head = train(folder, out or DEFAULT_FILE)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"polarity": head.polarity.about, "frustration": head.frustration.about}, indent=2))
    return 0


def serve() -> int:
    from handoff.service.app import create_app
    from handoff.service.settings import ServiceSettings

    from bot.compat import patch_sanic_websockets
    from handoff.connectors import create_connector
    from handoff.privacy import logs
    from handoff.privacy.policy import PrivacyPolicy

    patch_sanic_websockets()  # sanic 21.12 websockets on Python 3.11 (see bot/compat.py)
    try:
        logs.install(PrivacyPolicy.load().audience("logs").redactor)  # no personal data in the log
        settings = ServiceSettings.from_env()
        connector = create_connector(os.environ)
    except HandoffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not settings.agents:
        print("warning: no agents configured (HANDOFF_AGENT_TOKEN or HANDOFF_AGENTS): nobody can log in",
              file=sys.stderr)
    create_app(settings, connector=connector).run(host=settings.host, port=settings.port, access_log=False)
    return 0


def _since(value: Optional[str]) -> Optional[datetime]:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    except ValueError as exc:
        raise HandoffError(f"--since {value!r} is not a date; use YYYY-MM-DD") from exc


def _load_state(name: Optional[str]) -> Optional[DeskLoad]:
    """A desk in that state for the replay: busy (no free place), idle (free places, nobody waiting)."""
    if name is None:
        return None
    why = {"busy": "our team is busy (a replay of the busy rule)"}.get(name, "")
    return DeskLoad(name, 1, 0 if name == "busy" else 10, 0, 0, why)


def _print_table(summary: ReplaySummary) -> None:
    print(f"{'conversation':<36} {'turns':>5}  {'hand off':<9} {'turn':>4}  reason")
    for r in summary.results:
        if r.decision:
            top = r.decision.evidence[0]
            acted = f" [{r.rule}{': ' + r.instead if r.instead else ''}]" if r.rule else ""
            print(f"{r.conversation_id[:36]:<36} {r.turns:>5}  {r.decision.mode:<9} {r.turn:>4}  {top.key}: {top.detail}"
                  f"{acted}")
        else:
            print(f"{r.conversation_id[:36]:<36} {r.turns:>5}  {'no':<9} {'':>4}")
    totals = summary.totals()
    print(f"\n{totals['hand_off']} of {totals['conversations']} conversations would hand off "
          f"({100 * totals['rate']:.1f}%): {totals['transfers']} transfers, {totals['offers']} offers")
    for reason, count in totals["by_reason"].items():
        print(f"  {reason:<32} {count}")
    for rule, count in totals["load_rules"].items():
        print(f"  load rule {rule:<22} {count}")


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return serve()
    if args.command == "train-sentiment":
        return train_sentiment(args.vader, args.out)
    if args.command in ("qa", "corrections"):
        try:
            return (qa_cli if args.command == "qa" else corrections_cli).main(args)
        except HandoffError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.command == "audit":
        from handoff.audit import cli as audit_cli

        return audit_cli.run(args)
    if args.command == "agents":
        from handoff.service import agents_cli

        return agents_cli.run(args)
    if args.command == "redact":
        from handoff.privacy import cli as privacy_cli

        return privacy_cli.run(args)
    if args.command in ("erase", "retention"):
        from handoff.retention import cli as retention_cli

        return retention_cli.run(args)
    try:
        config = HandoffConfig.load(args.config)
        if args.file:
            trackers = load_export(args.file)
            since = _since(args.since)
            if since:
                trackers = [t for t in trackers if max((e.get("timestamp") or 0 for e in t["events"]), default=0)
                            >= since.timestamp()]
        else:
            from bot.urls import apply_defaults

            apply_defaults(os.environ)  # endpoints.yml names ${ACTIONS_URL} and ${HANDOFF_URL}
            trackers = asyncio.run(load_tracker_store(args.endpoints, _since(args.since)))
    except HandoffError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = replay(trackers, config, _load_state(args.load))
    if args.json:
        print(json.dumps({"results": [r.as_dict() for r in summary.results], "totals": summary.totals()}, indent=2))
    else:
        _print_table(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
