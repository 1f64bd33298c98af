"""Postal addresses where the pattern is reliable: a UK postcode ("SW1A 1AA", "m1 1ae")
and a street line, a house number then one to three words and a street type ("221B
Baker Street", "12 high st"). A town or a house name alone is not detected."""
from __future__ import annotations

import re
from typing import List

from handoff.privacy.spans import Span

POSTCODE = re.compile(r"(?i)(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})"
                      r"(?![A-Za-z0-9])")
STREET_TYPES = ("street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|way|court|ct|place|pl|square|sq|crescent|"
                "cres|terrace|gardens|grove|boulevard|blvd|mews|row|walk|parade|rise")
STREET = re.compile(r"(?i)(?<![\w£$€.,])\d{1,4}[A-Za-z]?,?\s+(?:(?!(?:and|or|the|at|in|on|of|for|to)\b)[A-Za-z'-]+\s+){1,3}"
                    rf"(?:{STREET_TYPES})\b\.?")


def find(text: str) -> List[Span]:
    found = [Span(m.start(), m.end(), "address") for m in POSTCODE.finditer(text) if any(c.isdigit() for c in m.group(0))]
    found += [Span(m.start(), m.end(), "address") for m in STREET.finditer(text)]
    return found
