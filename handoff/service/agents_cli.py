"""``python -m handoff agents hash-token``: the `token_hash` of an agent's token for the
agents file (scrypt, salted). The token is read from standard input (or asked for
without echo on a terminal), never from the command line, which shells keep."""
from __future__ import annotations

import argparse
import getpass
import sys


def add_parser(commands: argparse._SubParsersAction) -> None:
    agents = commands.add_parser("agents", help="agents' tokens")
    actions = agents.add_subparsers(dest="agents_command", required=True)
    actions.add_parser("hash-token", help="print the token_hash of a token read from standard input")


def run(args: argparse.Namespace) -> int:
    from handoff.service.tokens import hash_token

    token = getpass.getpass("agent's token: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    if len(token) < 16:
        print("error: give a token of at least 16 characters (e.g. from 'openssl rand -hex 24')", file=sys.stderr)
        return 2
    print(hash_token(token))
    return 0
