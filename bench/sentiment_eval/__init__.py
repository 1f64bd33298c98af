"""The sentiment benchmark (bench/sentiment.py): plain VADER, the lexicon with
customer-service cues, the polarity and frustration heads and their combination, on
VADER's human-rated sets, on the labelled customer-service messages of bench/data/, and
on the held-out customer requests.

Errors: a malformed labelled file raises ``SentimentBenchError`` (a ``ValueError``)
whose message names the item and what to fix.
"""
from __future__ import annotations


class SentimentBenchError(ValueError):
    """A labelled sentiment file is malformed."""
