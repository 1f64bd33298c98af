"""What a detector finds: a span of text holding one kind of personal data, and the
marker that replaces it (`[REDACTED:<kind>]`, a format other code relies on)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List

KINDS = ("card_number", "iban", "phone", "email", "address", "government_id", "password")
MARKER = re.compile(r"\[REDACTED:(" + "|".join(KINDS) + r")\]")


def marker(kind: str) -> str:
    return f"[REDACTED:{kind}]"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    value: str = ""  # what was found (an email, to keep the verified one); never logged


# Of two spans as long as each other, the more specific kind wins (a phone number is the least).
SPECIFIC = ("card_number", "iban", "government_id", "email", "password", "address", "phone")


def resolve(spans: Iterable[Span]) -> List[Span]:
    """Non-overlapping spans, left to right; of two that overlap the longer (then the more specific) wins."""
    chosen: List[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), SPECIFIC.index(s.kind))):
        if chosen and span.start < chosen[-1].end:
            if span.end - span.start > chosen[-1].end - chosen[-1].start:
                chosen[-1] = span
            continue
        chosen.append(span)
    return chosen
