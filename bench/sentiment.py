"""Negative-class precision, recall, F1 and time per message of four scorers, in one run:

- plain VADER (vaderSentiment 3.3.2), negative when its compound score is below -0.05;
- handoff.sentiment's SentimentScorer (lexicon and customer-service cues), by its label;
- the learned head alone (handoff.sentiment_head), negative when P(negative) >= 0.5;
- both combined as handoff.nlu.SentimentAnalyzer folds them, by the resulting label.

On VADER's human-rated sets (tweets and Amazon review snippets; gold-negative when the
mean human rating is below 0), every P(negative) comes from a head that never saw the
sentence: trained on the other set (cross-set), or 5-fold cross-validated. On the
labelled customer-service messages (bench/data/sentiment_customer_service.yml) it is
the shipped head (handoff/models/sentiment_head.json, or --head), never trained on them.
Times are per message, one message at a time; the head's include the sentence encoder.

    .venv/bin/python bench/sentiment.py [--vader ../shared/benchmarks/data/vader] [--head FILE] [--alternatives]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # Rasa's import of TensorFlow, not this benchmark

from bench.sentiment_eval.data import (  # noqa: E402
    CUSTOMER_SERVICE, VADER_DIR, Labelled, load_customer_service, load_vader,
)
from bench.sentiment_eval.protocols import vader_protocols  # noqa: E402
from bench.sentiment_eval.report import HEADER, rows  # noqa: E402
from bench.sentiment_eval.scorers import (  # noqa: E402
    SCORERS, Scored, head_and_fold_ms, ms_per_message, negativity, predictions, score_fixed,
)
from handoff.sentiment_head import SentimentHead  # noqa: E402


def vader_table(messages: List[Labelled], scored: Scored, head: SentimentHead) -> List[str]:
    gold = np.array([m.negative for m in messages])
    sources = np.array([m.source for m in messages])
    ms = ms_per_message(scored, head_and_fold_ms(head, scored))
    lines = []
    by_protocol = {name: predictions(scored, p) for name, p in vader_protocols(scored.vectors, gold, sources).items()}
    for subset in ("tweets", "reviews", "both"):
        mask = sources == subset if subset != "both" else None
        first = next(iter(by_protocol.values()))
        lines += rows(subset, "(no head)", first, gold, ms, mask, only=SCORERS[:2])
        for protocol, predicted in by_protocol.items():
            lines += rows(subset, protocol, predicted, gold, ms, mask, only=SCORERS[2:])
    return lines


def customer_service_table(messages: List[Labelled], scored: Scored, head: SentimentHead,
                           name: str = "shipped head") -> List[str]:
    gold = np.array([m.negative for m in messages])
    ms = ms_per_message(scored, head_and_fold_ms(head, scored))
    return rows("customer service", name, predictions(scored, negativity(head, scored.vectors)), gold, ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vader", type=Path, default=VADER_DIR, help="folder of VADER's ground-truth files")
    parser.add_argument("--messages", type=Path, default=CUSTOMER_SERVICE, help="labelled customer-service messages")
    parser.add_argument("--head", type=Path, default=None,
                        help="the head scored on the customer-service set (default: the shipped one)")
    parser.add_argument("--alternatives", action="store_true",
                        help="also judge other cuts and a head that learns from the project's NLU examples")
    parser.add_argument("--nlu", type=Path, default=ROOT / "data" / "nlu", help="the project's NLU examples")
    args = parser.parse_args()
    head = SentimentHead.load(args.head)
    vader, service = load_vader(args.vader), load_customer_service(args.messages)
    print(f"\nVADER: {len(vader)} sentences ({sum(m.negative for m in vader)} gold-negative); customer service: "
          f"{len(service)} messages ({sum(m.negative for m in service)} negative). Combined and lexicon labels: "
          "negative at score <= -0.3.\n")
    print(HEADER)
    service_scored = score_fixed([m.text for m in service])
    name = f"head {args.head}" if args.head else "shipped head"
    for line in customer_service_table(service, service_scored, head, name):
        print(line, flush=True)
    vader_scored = score_fixed([m.text for m in vader])
    for line in vader_table(vader, vader_scored, head):
        print(line, flush=True)
    if args.alternatives:
        print_alternatives(args.nlu, vader, vader_scored, service, service_scored, head)


def print_alternatives(nlu: Path, vader: List[Labelled], vader_scored: Scored, service: List[Labelled],
                       service_scored: Scored, head: SentimentHead) -> None:
    from bench.sentiment_eval import alternatives
    from bot.components.sentence_model import SentenceModel

    project = alternatives.read_project(nlu)
    vectors = SentenceModel.load().sentences(project.texts, batch_size=32)
    print(f"\nAlternatives (nothing fitted or chosen on the customer-service set; project NLU data: {nlu})\n")
    print(alternatives.HEADER)
    for line in alternatives.report(vader_scored, np.array([m.negative for m in vader]), service_scored,
                                    np.array([m.negative for m in service]), head, project, vectors):
        print(line, flush=True)


if __name__ == "__main__":
    main()
