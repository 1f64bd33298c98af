"""``python -m handoff audit verify [--database-url URL]``: walk the audit chain; exit 0 when
it is intact, 1 naming the first broken entry (changed, removed or out of order)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Mapping, Optional


def database_url(env: Optional[Mapping[str, str]] = None) -> str:
    """The handoff service's database, as the service finds it (HANDOFF_DB_URL, SHOP_DATA_DIR)."""
    env = os.environ if env is None else env
    return env.get("HANDOFF_DB_URL") or f"sqlite:///{Path(env.get('SHOP_DATA_DIR', 'var')) / 'handoff.db'}"


def add_parser(commands: argparse._SubParsersAction) -> None:
    audit = commands.add_parser("audit", help="the audit log: verify its hash chain")
    actions = audit.add_subparsers(dest="audit_command", required=True)
    verify = actions.add_parser("verify", help="exit non-zero and name the first broken entry")
    verify.add_argument("--database-url", default=None,
                        help="the handoff service's database (default: HANDOFF_DB_URL or var/handoff.db)")
    verify.add_argument("--expect", default=None, metavar="SEQ:HASH",
                        help="a head printed by an earlier verify: it must still be there, unchanged")


def run(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from handoff.audit.log import AuditLog

    url = args.database_url or database_url()
    expect = None
    if args.expect:
        seq, _, digest = args.expect.partition(":")
        if not seq.isdigit() or len(digest) != 64:
            print(f"error: --expect {args.expect[:80]!r} is not SEQ:HASH as verify printed it", file=sys.stderr)
            return 2
        expect = (int(seq), digest)
    try:
        verdict = AuditLog.from_url(url).verify_now(expect)
    except sa.exc.SQLAlchemyError as exc:
        print(f"error: the database at {sa.engine.make_url(url).render_as_string(hide_password=True)} "
              f"cannot be read ({exc.__class__.__name__}); check --database-url", file=sys.stderr)
        return 2
    print(verdict, file=sys.stdout if verdict.ok else sys.stderr)
    return 0 if verdict.ok else 1
