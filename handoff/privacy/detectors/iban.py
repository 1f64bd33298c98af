"""IBANs: a country code, two check digits and the country's number of characters
(spaces or dashes between groups allowed, any case), valid under ISO 13616's mod-97."""
from __future__ import annotations

import re
from typing import List, Optional

from handoff.privacy.spans import Span

# Length of the IBAN per country (ISO 13616 registry).
LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29, "BY": 28,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19,
    "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}
START = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})[ \-]?(\d{2})")


def valid(iban: str) -> bool:
    iban = iban.upper()
    if LENGTHS.get(iban[:2]) != len(iban) or not iban.isalnum():
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _take(text: str, start: int, wanted: int) -> Optional[int]:
    """Where `wanted` letters and digits from `start` end (single separators between them), or None."""
    count, i = 0, start
    while i < len(text) and count < wanted:
        if text[i].isalnum() and text[i].isascii():
            count += 1
        elif not (text[i] in " -" and i + 1 < len(text) and text[i + 1].isalnum()):
            return None
        i += 1
    if count < wanted or (i < len(text) and text[i].isalnum()):
        return None
    return i


def find(text: str) -> List[Span]:
    spans: List[Span] = []
    for start in START.finditer(text):
        length = LENGTHS.get(start.group(1).upper())
        if length is None:
            continue
        end = _take(text, start.end(), length - 4)
        if end is None:
            continue
        candidate = start.group(1) + start.group(2) + re.sub(r"[ \-]", "", text[start.end():end])
        if valid(candidate):
            spans.append(Span(start.start(), end, "iban"))
    return spans
