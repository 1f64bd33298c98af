"""Government identifiers whose pattern is reliable on its own: the UK National
Insurance number (two letters from the allowed prefixes, six digits, A-D) and the US
Social Security number written with its dashes (no 000, 666 or 9xx area, no 00 group,
no 0000 serial). Passport and driving licence numbers look like order numbers: not
detected."""
from __future__ import annotations

import re
from typing import List

from handoff.privacy.spans import Span

NINO = re.compile(r"(?i)(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                  r"[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-D](?![A-Za-z0-9])")
SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")


def find(text: str) -> List[Span]:
    return [Span(m.start(), m.end(), "government_id") for pattern in (NINO, SSN) for m in pattern.finditer(text)]
