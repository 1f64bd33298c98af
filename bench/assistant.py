"""Figures for the README: training time and REST round trip (p50/p95 over N
messages, one at a time) of the shop assistant, next to the same assistant with the
pipeline it had before the sentence encoder (bench/configs/diet_pipeline.yml: DIET and
the ResponseSelector on sparse features, trained on today's data) and Rasa's untouched
`rasa init` starter bot, all measured in the same run on this machine.

    .venv/bin/python bench/assistant.py [--messages 200] [--no-diet]
"""
from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.servers import Servers, base_env  # noqa: E402

# What customers send, in rotation: FAQs, chit-chat, order tracking (two action
# calls), scheduling and a fallback.
SHOP_MESSAGES = [
    "hi", "how long does shipping take?", "can I pay with paypal", "where is my order 10001",
    "alice@example.com", "do you price match", "what are your opening hours", "show my appointments",
    "thanks", "are you a bot?", "track order 10003 for bob@example.com", "qwzx plmk", "bye",
]
DIET_CONFIG = ROOT / "bench" / "configs" / "diet_pipeline.yml"
STARTER_MESSAGES = ["hi", "I am sad", "yes", "great", "are you a bot?", "bye", "hello", "very good", "no"]


def train(workdir: Path, domain: str, data: str, config: str, out: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "train", "--force", "--domain", domain, "--data", data, "--config", config,
         "--out", str(out), "--fixed-model-name", "model"],
        cwd=workdir, env=base_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    if result.returncode:
        raise SystemExit(f"training failed in {workdir}:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def round_trips(servers: Servers, messages: Sequence[str], count: int) -> List[float]:
    timings: List[float] = []
    session = requests.Session()
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    for i, text in zip(range(count), itertools.cycle(messages)):
        if i % len(messages) == 0:
            sender = f"bench-{uuid.uuid4().hex[:8]}"  # a fresh customer each round
        started = time.perf_counter()
        response = session.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                                json={"sender": sender, "message": text}, timeout=60)
        timings.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return timings


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def measure(name: str, workdir: Path, model: Path, messages: Sequence[str], count: int, actions: bool) -> Dict:
    servers = Servers(workdir, model, with_actions=actions).start()
    try:
        round_trips(servers, messages, len(messages))  # warm-up, not counted
        timings = round_trips(servers, messages, count)
    finally:
        servers.stop()
    return {"name": name, "p50": percentile(timings, 50), "p95": percentile(timings, 95),
            "mean": statistics.mean(timings)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--no-diet", action="store_true", help="leave out the DIET pipeline (it trains for minutes)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-assistant-"))
    try:
        starter = work / "starter"
        import rasa.cli

        shutil.copytree(Path(rasa.cli.__file__).parent / "initial_project", starter)
        shop_train = train(ROOT, "bot/domain", "data", "bot/config.yml", work / "shop-model")
        diet_train = None if args.no_diet else train(ROOT, "bot/domain", "data", str(DIET_CONFIG), work / "diet-model")
        starter_train = train(starter, "domain.yml", "data", "config.yml", work / "starter-model")
        for run in ("shop-run", "diet-run", "starter-run"):
            (work / run).mkdir()
        rows = [
            (measure("shop assistant", work / "shop-run", work / "shop-model" / "model.tar.gz",
                     SHOP_MESSAGES, args.messages, True), shop_train),
        ]
        if diet_train is not None:
            rows.append((measure("shop assistant, DIET pipeline", work / "diet-run", work / "diet-model" / "model.tar.gz",
                                 SHOP_MESSAGES, args.messages, True), diet_train))
        rows += [
            (measure("rasa init starter bot", work / "starter-run", work / "starter-model" / "model.tar.gz",
                     STARTER_MESSAGES, args.messages, False), starter_train),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nREST round trip over {args.messages} messages, one at a time, 127.0.0.1 ({sys.version.split()[0]})\n")
    print("| bot | training | p50 | p95 | mean |")
    print("|---|---|---|---|---|")
    for row, seconds in rows:
        print(f"| {row['name']} | {seconds:.0f} s | {row['p50']:.1f} ms | {row['p95']:.1f} ms | {row['mean']:.1f} ms |")


if __name__ == "__main__":
    main()
