"""Payment card numbers: 13 to 19 digits (in groups separated by one space, dash or dot,
or none) that start like a card scheme (2-6) and pass the Luhn check. A longer run of
digit groups (a card number followed by its expiry) is searched for such a number
group by group."""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from handoff.privacy.spans import Span

Group = Tuple[int, int, str]  # start, end, digits
RUN = re.compile(r"(?<![\w.\-])\d+(?:[ .\-]\d+)*")
GROUP = re.compile(r"\d+")


def luhn(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and luhn(digits)


def find(text: str) -> List[Span]:
    spans: List[Span] = []
    for run in RUN.finditer(text):
        if sum(c.isdigit() for c in run.group(0)) < 13:
            continue
        groups: List[Group] = [(run.start() + g.start(), run.start() + g.end(), g.group(0)) for g in GROUP.finditer(run.group(0))]
        first = 0
        while first < len(groups):
            found = _longest(groups, first)
            if found is None:
                first += 1
                continue
            spans.append(Span(groups[first][0], groups[found][1], "card_number"))
            first = found + 1
    return spans


def _longest(groups: List[Group], first: int) -> Optional[int]:
    """The last group of the longest card number starting at group `first`, if any."""
    digits, best = "", None
    for last in range(first, len(groups)):
        digits += groups[last][2]
        if len(digits) > 19:
            break
        if _card(digits):
            best = last
    return best
