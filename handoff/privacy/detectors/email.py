"""Email addresses (the span's value is the address, so that a verified one can be kept)."""
from __future__ import annotations

import re
from typing import List

from handoff.privacy.spans import Span

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![\w-])")


def find(text: str) -> List[Span]:
    if "@" not in text:
        return []
    return [Span(m.start(), m.end(), "email", m.group(0)) for m in EMAIL.finditer(text)]
