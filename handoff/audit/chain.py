"""One entry of the audit log and its hash: SHA-256 over the previous entry's hash and
the entry's canonical JSON (sorted keys, no spaces, UTF-8), so that changing any field
of any entry, or removing one, breaks the chain from there on. Pure: no I/O."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

GENESIS = "0" * 64  # the previous hash of the first entry


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime          # UTC
    actor: str            # an agent's name, "bot", "system", "cli", "unknown" (a failed login)
    kind: str             # transfer, accept, agent_message, note, close, hand_back, login, erasure...
    subject: str          # what it is about: a session id, a conversation's erasure request, the service
    detail: Dict[str, Any] = field(default_factory=dict)  # no personal data
    source: str = ""      # the caller's address, or "cli"
    prev_hash: str = GENESIS
    hash: str = ""

    def canonical(self) -> str:
        return canonical(self.seq, self.at, self.actor, self.kind, self.subject, self.detail, self.source)

    def as_dict(self) -> Dict[str, Any]:
        return {"seq": self.seq, "at": stamp(self.at), "actor": self.actor, "kind": self.kind,
                "subject": self.subject, "detail": self.detail, "source": self.source,
                "prev_hash": self.prev_hash, "hash": self.hash}


def stamp(at: datetime) -> str:
    """The time as the chain hashes it: ISO 8601 UTC to the microsecond."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(seq: int, at: datetime, actor: str, kind: str, subject: str, detail: Mapping[str, Any],
              source: str) -> str:
    return json.dumps({"seq": seq, "at": stamp(at), "actor": actor, "kind": kind, "subject": subject,
                       "detail": detail, "source": source}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def link(prev_hash: str, entry_canonical: str) -> str:
    return hashlib.sha256((prev_hash + entry_canonical).encode()).hexdigest()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    checked: int
    broken_seq: Optional[int] = None
    problem: str = ""
    head: str = ""  # "seq:hash" of the last entry: note it elsewhere, check it later with --expect

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.checked} entries, chain unbroken; head {self.head or 'none'}"
        return f"audit log BROKEN at entry {self.broken_seq}: {self.problem} ({self.checked} entries checked before it)"


def verify(entries: Iterable[AuditEntry], expect: Optional[Tuple[int, str]] = None) -> Verdict:
    """Walk the chain in seq order: every seq follows the one before, every prev_hash is the
    previous hash, every hash is recomputed; the first entry that fails is named. With `expect`
    (a head noted earlier, seq and hash), that entry must still be there, unchanged: removing the
    latest entries leaves a whole but shorter chain, which only this notices."""
    prev, expected, checked = GENESIS, 1, 0
    for entry in entries:
        if expect is not None and entry.seq == expect[0] and entry.hash != expect[1]:
            return Verdict(False, checked, entry.seq, "its hash is not the one noted for it: the chain up to it "
                                                      "was rewritten")
        if entry.seq != expected:
            return Verdict(False, checked, expected if entry.seq > expected else entry.seq,
                           f"entry {expected} is missing (the next one is {entry.seq}): deleted"
                           if entry.seq > expected else f"entry {entry.seq} appears twice or out of order")
        if entry.prev_hash != prev:
            return Verdict(False, checked, entry.seq, "its prev_hash is not the previous entry's hash: an entry "
                                                      "before it was removed or changed")
        if link(prev, entry.canonical()) != entry.hash:
            return Verdict(False, checked, entry.seq, "its content does not match its hash: it was changed")
        prev, expected, checked = entry.hash, expected + 1, checked + 1
    if expect is not None and expected <= expect[0]:
        return Verdict(False, checked, expect[0], "it was noted as the head and is gone: the latest entries were "
                                                  "removed")
    return Verdict(True, checked, head=f"{expected - 1}:{prev}" if checked else "")
