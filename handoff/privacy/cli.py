"""``python -m handoff redact``: what would privacy.yml (or a changed copy) do? Runs one
audience's rules over lines of text (standard input or --file) or over the customer
messages of stored conversations (--export FILE, or the tracker store of --endpoints),
prints each changed line (with --show) and how many spans of each kind it would remove.

    python -m handoff redact --audience console < messages.txt --show
    python -m handoff redact --config my-privacy.yml --audience bot --endpoints endpoints.yml
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, List


def add_parser(commands: argparse._SubParsersAction) -> None:
    run = commands.add_parser("redact", help="what privacy.yml's rules would remove, over texts or conversations")
    run.add_argument("--config", type=Path, default=None, help="the rules (default: privacy.yml or PRIVACY_CONFIG)")
    run.add_argument("--audience", default="bot", help="bot, console, webhook, chatwoot, logs (default: bot)")
    source = run.add_mutually_exclusive_group()
    source.add_argument("--file", type=Path, help="one message a line (default: standard input)")
    source.add_argument("--export", type=Path, help="exported conversations (JSON/JSONL, as for replay)")
    source.add_argument("--endpoints", type=Path, help="the tracker store of this endpoints.yml")
    run.add_argument("--show", action="store_true", help="print each changed text, redacted")


def _texts(args: argparse.Namespace) -> Iterable[str]:
    if args.export or args.endpoints:
        from handoff.replay import load_export, load_tracker_store

        trackers = load_export(args.export) if args.export else asyncio.run(load_tracker_store(args.endpoints))
        return [str(e.get("text") or "") for t in trackers for e in t.get("events", []) if e.get("event") == "user"]
    handle = args.file.open(encoding="utf-8") if args.file else sys.stdin
    return [line.rstrip("\n") for line in handle]


def run(args: argparse.Namespace) -> int:
    from handoff.errors import HandoffError
    from handoff.privacy.policy import PrivacyPolicy

    try:
        audience = PrivacyPolicy.load(args.config).audience(args.audience)
        texts: List[str] = list(_texts(args))
    except (HandoffError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found: Counter = Counter()
    changed = 0
    for text in texts:
        spans = audience.redactor.spans(text)
        found.update(s.kind for s in spans)
        if spans:
            changed += 1
            if args.show:
                print(audience.redactor(text))
    print(f"{len(texts)} texts, {changed} would change ({args.audience}): "
          + (", ".join(f"{kind} {n}" for kind, n in found.most_common()) or "nothing found"))
    return 0
