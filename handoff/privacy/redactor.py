"""The one decision: which spans of a text are replaced by their marker. A Redactor
runs the detectors of the kinds it redacts, resolves overlaps (the longer span wins)
and replaces each span with `[REDACTED:<kind>]`; the emails it is told to keep (the
customer's verified one) stay. Pure and fast: no I/O, the phone parser only runs on
texts with enough digits."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Iterable, List, Tuple

from handoff.privacy.detectors import address, card_number, email, government_id, iban, password, phone
from handoff.privacy.spans import KINDS, MARKER, Span, marker, resolve


@dataclass(frozen=True)
class Redacted:
    text: str
    kinds: Tuple[str, ...]  # what was removed, each kind once, in order of appearance

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


class Redactor:
    def __init__(self, kinds: Iterable[str] = KINDS, region: str = "GB") -> None:
        self.kinds: FrozenSet[str] = frozenset(kinds)
        unknown = self.kinds - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kind of personal data '{sorted(unknown)[0]}'; use {', '.join(KINDS)}")
        self.region = region
        finders: Dict[str, Callable[[str], List[Span]]] = {
            "card_number": card_number.find, "iban": iban.find, "email": email.find, "password": password.find,
            "government_id": government_id.find, "address": address.find,
            "phone": lambda text: phone.find(text, self.region)}
        self._finders = [finders[kind] for kind in KINDS if kind in self.kinds]

    def spans(self, text: str, keep: Iterable[str] = ()) -> List[Span]:
        kept = {k.strip().lower() for k in keep if k}
        found = [span for find in self._finders for span in find(text)]
        found = [s for s in found if not _inside_marker(text, s)]
        return [s for s in resolve(found) if not (s.kind == "email" and s.value.lower() in kept)]

    def redact(self, text: str, keep: Iterable[str] = ()) -> Redacted:
        if not text or not self._finders:
            return Redacted(text or "", ())
        spans = self.spans(text, keep)
        if not spans:
            return Redacted(text, ())
        parts, last = [], 0
        for span in spans:
            parts += [text[last:span.start], marker(span.kind)]
            last = span.end
        parts.append(text[last:])
        return Redacted("".join(parts), tuple(dict.fromkeys(s.kind for s in spans)))

    def __call__(self, text: str, keep: Iterable[str] = ()) -> str:
        return self.redact(text, keep).text


def _inside_marker(text: str, span: Span) -> bool:
    """A text redacted once is left as it is (the markers themselves are not personal data)."""
    return any(m.start() <= span.start < m.end() for m in MARKER.finditer(text, max(0, span.start - 40), span.end + 40))
