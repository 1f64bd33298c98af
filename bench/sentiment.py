"""Negative-class precision, recall, F1 and time per message of six scorers, in one run:

- plain VADER (vaderSentiment 3.3.2), negative when its compound score is below -0.05;
- handoff.sentiment's SentimentScorer (lexicon and customer-service cues), by its label;
- the polarity head alone and the frustration head alone (handoff.sentiment_head),
  each negative when its P(negative) >= 0.5;
- the heads and the lexicon folded as handoff.nlu.SentimentAnalyzer folds them, read
  by the label it sets and by its score at or below -0.3 (what the triggers read).

On VADER's human-rated sets (tweets and Amazon review snippets; gold-negative when the
mean human rating is below 0), every P(negative) comes from heads that never saw the
sentence: both refitted on the other set (cross-set), or per fold of a 5-fold
cross-validation, the project's customer-service messages always on the frustration
head's training side. On the labelled customer-service messages
(bench/data/sentiment_customer_service.yml) it is the shipped heads
(handoff/data/sentiment_heads.json, or --heads), scored on the whole set and on the
messages that are not (nearly) among the frustration head's training messages.
Times are per message, one message at a time; the heads' include the sentence encoder.

Last, with the shipped heads, how often held-out requests (bench/data/nlu_heldout.yml)
are labelled negative or score low enough for the triggers.

    .venv/bin/python bench/sentiment.py [--vader ../shared/benchmarks/data/vader] [--heads FILE]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # Rasa's import of TensorFlow, not this benchmark

from bench.sentiment_eval.data import (  # noqa: E402
    CUSTOMER_SERVICE, VADER_DIR, Labelled, close_to, load_customer_service, load_heldout_requests, load_vader,
)
from bench.sentiment_eval.protocols import ServiceRows, vader_protocols  # noqa: E402
from bench.sentiment_eval.report import HEADER, rows  # noqa: E402
from bench.sentiment_eval.routine import HEADER as SHARES_HEADER, share_lines  # noqa: E402
from bench.sentiment_eval.scorers import (  # noqa: E402
    SCORERS, Scored, fold, ms_per_message, predictions, score_fixed, shipped,
)
from handoff.sentiment_head import SentimentHeads  # noqa: E402


def service_rows() -> tuple:
    """The frustration head's customer-service training messages: texts and ServiceRows."""
    from bot.components.sentence_model import SentenceModel
    from handoff.sentiment_training import read_customer_service

    rows_ = read_customer_service()
    texts = [text for text, _ in rows_]
    vectors = SentenceModel.load().sentences(texts, batch_size=64)
    return texts, ServiceRows(vectors, np.array([bad for _, bad in rows_]))


def vader_table(messages: List[Labelled], scored: Scored, heads: SentimentHeads, service: ServiceRows) -> List[str]:
    gold = np.array([m.negative for m in messages])
    sources = np.array([m.source for m in messages])
    ms = ms_per_message(scored, heads)
    lines = []
    by_protocol = {name: predictions(scored, p)
                   for name, p in vader_protocols(scored.vectors, gold, sources, service).items()}
    for subset in ("tweets", "reviews", "both"):
        mask = sources == subset if subset != "both" else None
        first = next(iter(by_protocol.values()))
        lines += rows(subset, "(no head)", first, gold, ms, mask, only=SCORERS[:2])
        for protocol, predicted in by_protocol.items():
            lines += rows(subset, protocol, predicted, gold, ms, mask, only=SCORERS[2:])
    return lines


def customer_service_table(messages: List[Labelled], scored: Scored, heads: SentimentHeads, name: str,
                           unseen: Optional[np.ndarray] = None) -> List[str]:
    gold = np.array([m.negative for m in messages])
    ms = ms_per_message(scored, heads)
    predicted = predictions(scored, shipped(heads, scored.vectors))
    lines = rows("customer service", name, predicted, gold, ms)
    if unseen is not None:
        lines += rows(f"customer service, {int(unseen.sum())} unseen", name, predicted, gold, ms, unseen)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vader", type=Path, default=VADER_DIR, help="folder of VADER's ground-truth files")
    parser.add_argument("--messages", type=Path, default=CUSTOMER_SERVICE, help="labelled customer-service messages")
    parser.add_argument("--heads", type=Path, default=None,
                        help="the heads scored on the customer-service set (default: the shipped ones)")
    args = parser.parse_args()
    from handoff.config import HandoffConfig

    heads = SentimentHeads.load(args.heads)
    strong_negative = HandoffConfig.load().sentiment.strong_negative
    vader, service = load_vader(args.vader), load_customer_service(args.messages)
    trained_texts, trained = service_rows()
    unseen = ~np.array(close_to([m.text for m in service], trained_texts))
    print(f"\nVADER: {len(vader)} sentences ({sum(m.negative for m in vader)} gold-negative); customer service: "
          f"{len(service)} messages ({sum(m.negative for m in service)} negative), of which {int(unseen.sum())} "
          f"share under 60% of their words with each of the frustration head's {len(trained_texts)} "
          "customer-service training messages. Lexicon label and combined score: negative at <= -0.3.\n")
    print(HEADER)
    service_scored = score_fixed([m.text for m in service])
    name = f"heads {args.heads}" if args.heads else "shipped heads"
    for line in customer_service_table(service, service_scored, heads, name, unseen):
        print(line, flush=True)
    vader_scored = score_fixed([m.text for m in vader])
    for line in vader_table(vader, vader_scored, heads, trained):
        print(line, flush=True)
    requests = load_heldout_requests()
    scored = score_fixed([m.text for m in requests])
    folded = fold(scored.lexicon, shipped(heads, scored.vectors))
    print(f"\nHeld-out requests (bench/data/nlu_heldout.yml), {name}, combined as the assistant does:\n")
    print(SHARES_HEADER.format(strong=strong_negative))
    for line in share_lines([m.source for m in requests], folded, strong_negative):
        print(line, flush=True)


if __name__ == "__main__":
    main()
