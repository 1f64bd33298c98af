"""Time to answer an attacker's 1 MB message, and another customer's "hi" sent while
it is in flight, on the real Rasa and action servers (the test model), REST channel.
Goal: both under 1 s. Prints the median and the worst of N rounds.

    .venv/bin/python bench/attack_latency.py [--rounds 10] [--megabytes 1]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.servers import Servers, train_test_model  # noqa: E402

HEAD_START = 0.05  # the "hi" leaves this long after the big message


def timed_say(url: str, text: str, into: Dict[str, float], key: str, replies: Dict[str, str]) -> None:
    start = time.perf_counter()
    reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": uuid.uuid4().hex, "message": text},
                          timeout=120)
    into[key] = time.perf_counter() - start
    replies[key] = " ".join(m.get("text", "") for m in reply.json()) if reply.ok else f"HTTP {reply.status_code}"


def one_round(url: str, size: int) -> Dict[str, float]:
    times: Dict[str, float] = {}
    replies: Dict[str, str] = {}
    attack = threading.Thread(target=timed_say, args=(url, "a" * size, times, "attack", replies))
    attack.start()
    time.sleep(HEAD_START)
    timed_say(url, "hi", times, "hi", replies)
    attack.join()
    if "too long" not in replies["attack"]:
        raise RuntimeError(f"the big message was not answered with the long-message reply: {replies['attack'][:200]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args()
    servers = Servers(Path(tempfile.mkdtemp(prefix="bench-attack-")), train_test_model(), with_handoff=False).start()
    try:
        servers.say("warm-up", "hi")
        rounds: List[Dict[str, float]] = [one_round(servers.rasa_url, int(args.megabytes * 1_000_000))
                                          for _ in range(args.rounds)]
    finally:
        servers.stop()
    print(f"\n{args.rounds} rounds, a {args.megabytes:g} MB message and a concurrent 'hi' "
          f"({1000 * HEAD_START:.0f} ms later), REST, 127.0.0.1\n")
    print("| message | median | worst |\n|---|---|---|")
    for key, label in (("attack", f"{args.megabytes:g} MB message"), ("hi", "concurrent \"hi\"")):
        values = [r[key] for r in rounds]
        print(f"| {label} | {1000 * statistics.median(values):.0f} ms | {1000 * max(values):.0f} ms |")


if __name__ == "__main__":
    main()
