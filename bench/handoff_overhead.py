"""Per-message overhead of the handoff module inside Rasa: SentimentAnalyzer.process
on one message plus HandoffPolicy.predict_action_probabilities on the tracker, for
conversations of 1 to 40 customer turns. Prints p50/p95 over all messages.

With --rest it also trains the assistant twice, with and without the handoff
components (SentimentAnalyzer and HandoffPolicy), and compares REST round trips
over the same messages in one run.

    .venv/bin/python bench/handoff_overhead.py [--conversations 50] [--rest] [--messages 200]
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest.mock import MagicMock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from handoff.nlu import SentimentAnalyzer  # noqa: E402
from handoff.policy import HandoffPolicy  # noqa: E402

MESSAGES = ["how long does shipping take?", "where is my order 10001", "alice@example.com", "thanks!",
            "still waiting for my refund, this is getting ridiculous", "book a callback tomorrow at 10am",
            "can I pay with PayPal", "hmm ok", "what are your opening hours", "do you price match"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--rest", action="store_true", help="also compare REST round trips with and without")
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    in_process(args.conversations)
    if args.rest:
        rest(args.messages)


def in_process(conversations: int) -> None:
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    analyzer = SentimentAnalyzer(SentimentAnalyzer.get_default_config())
    policy = HandoffPolicy({**HandoffPolicy.get_default_config(), "config_file": str(ROOT / "handoff.yml")},
                           MagicMock(), MagicMock(), MagicMock())
    rng = random.Random(7)
    timings = []
    for c in range(conversations):
        tracker = DialogueStateTracker.from_events(f"c{c}", [], domain.slots)
        for _ in range(rng.randint(1, 40)):
            text = rng.choice(MESSAGES)
            started = time.perf_counter()
            message = analyzer.process([Message(data={"text": text})])[0]
            parse = {"intent": {"name": "faq", "confidence": 0.9}, "entities": [],
                     "intent_ranking": [{"name": "faq", "confidence": 0.9}], "sentiment": message.get("sentiment")}
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(UserUttered(text, parse["intent"], parse_data=parse))
            policy.predict_action_probabilities(tracker, domain)
            timings.append((time.perf_counter() - started) * 1000)
            tracker.update(ActionExecuted("utter_faq"))
            tracker.update(BotUttered(f"answer {rng.random()}"))
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"\n{len(timings)} messages: SentimentAnalyzer + HandoffPolicy p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
          f"max {timings[-1]:.2f} ms")



def without_handoff(config: Path, target: Path) -> Path:
    """bot/config.yml with the SentimentAnalyzer and the HandoffPolicy taken out."""
    data = yaml.safe_load(config.read_text())
    data["pipeline"] = [c for c in data["pipeline"] if not c["name"].startswith("handoff.")]
    data["policies"] = [c for c in data["policies"] if not c["name"].startswith("handoff.")]
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def rest(messages: int) -> None:
    from assistant import SHOP_MESSAGES, measure, train

    work = Path(tempfile.mkdtemp(prefix="bench-handoff-"))
    try:
        bare = without_handoff(ROOT / "bot" / "config.yml", work / "config-without-handoff.yml")
        rows = []
        for name, config in (("with handoff", "bot/config.yml"), ("without handoff", str(bare))):
            seconds = train(ROOT, "bot/domain", "data", config, work / name)
            (work / f"{name}-run").mkdir()
            row = measure(name, work / f"{name}-run", work / name / "model.tar.gz", SHOP_MESSAGES, messages, True)
            rows.append((row, seconds))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nREST round trip over {messages} messages, one at a time, same data, same run\n")
    print("| assistant | training | p50 | p95 | mean |\n|---|---|---|---|---|")
    for row, seconds in rows:
        print(f"| {row['name']} | {seconds:.0f} s | {row['p50']:.1f} ms | {row['p95']:.1f} ms | {row['mean']:.1f} ms |")


if __name__ == "__main__":
    main()
