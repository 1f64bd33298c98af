"""``python -m handoff erase --conversation ID | --email ADDRESS``: remove a customer's
data from Rasa's tracker store, the handoff sessions and the bookings; an audit entry
with counts only is left. ``python -m handoff retention``: apply privacy.yml's retention
once (the handoff service does it on its own every `every_hours`)."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any


def add_parsers(commands: argparse._SubParsersAction) -> None:
    erase = commands.add_parser("erase", help="erase a customer's data from every store")
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--conversation", help="the conversation (Rasa's sender id)")
    who.add_argument("--email", help="every conversation whose data holds this address")
    _stores(erase)
    keep = commands.add_parser("retention", help="delete what is older than privacy.yml's retention, once")
    _stores(keep)


def _stores(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"),
                        help="Rasa's endpoints.yml, for its SQL tracker store (default: endpoints.yml)")
    parser.add_argument("--database-url", default=None,
                        help="the handoff service's database (default: HANDOFF_DB_URL or var/handoff.db)")


def run(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from handoff.audit.log import AuditLog
    from handoff.errors import HandoffError
    from handoff.privacy.policy import PrivacyPolicy
    from handoff.retention.eraser import from_env
    from handoff.retention.sources import sessions_url

    env = dict(os.environ)
    if args.database_url:
        env["HANDOFF_DB_URL"] = args.database_url
    try:
        from bot.urls import apply_defaults

        apply_defaults(env)  # endpoints.yml's ${...}
        eraser = from_env(env, args.endpoints)
        if args.command == "retention":
            outcome = eraser.expire(PrivacyPolicy.load(env=env).retention)
            kind, how = "retention", "retention"
        elif args.conversation:
            outcome, kind, how = eraser.erase([args.conversation]), "erasure", "conversation"
        else:
            outcome, kind, how = eraser.erase_email(args.email), "erasure", "email"
        entry = asyncio.run(AuditLog.from_url(sessions_url(env)).record("cli", kind, outcome.request,
                                                                        outcome.as_detail(how), "cli"))
    except (HandoffError, sa.exc.SQLAlchemyError) as exc:
        print(f"error: {exc.__class__.__name__}: {str(exc)[:300]}", file=sys.stderr)
        return 2
    report: Any = {**outcome.as_detail(how), "audit_seq": entry.seq}
    print(json.dumps(report, indent=2))
    return 0
