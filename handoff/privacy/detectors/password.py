"""Passwords and PINs typed in the open: "my password is hunter2", "pwd: S3cret!",
"PIN 4821". The value after the word is the span; words that describe the password
rather than being it ("my password is wrong", "not working") are not."""
from __future__ import annotations

import re
from typing import List

from handoff.privacy.spans import Span

LEAD = re.compile(r"(?i)\b(?:password|passwort|passcode|passphrase|passwd|pwd|pw|pin(?:\s*(?:code|number))?)"
                  r"(?P<said>\s+(?:is|was|will\s+be|should\s+be|=)|\s*[:=])?\s*(?:[\"'“‘])?(?P<value>[^\s\"'”’]{3,64})")
NOT_A_VALUE = {
    "not", "wrong", "incorrect", "invalid", "expired", "locked", "broken", "working", "correct", "right", "the",
    "too", "still", "blocked", "reset", "changed", "change", "forgotten", "forgot", "lost", "stolen", "and", "but",
    "for", "from", "please", "help", "doesn't", "doesnt", "isn't", "isnt", "won't", "wont", "does", "did", "has",
    "have", "was", "is", "reset?", "now", "any", "anymore", "being", "been", "to", "on", "in", "of", "with", "that",
    "this", "it", "my", "your", "you", "a", "an", "no", "same", "different", "new", "old", "also", "again", "since",
    "when", "because", "so", "or", "link", "email", "mail", "page", "field", "box", "rules", "requirements",
    "length", "manager", "hint", "recovery", "there", "here", "set", "sent", "required", "needed", "case",
    "sensitive", "ok", "okay", "fine", "weak", "strong", "short", "long", "compromised", "hacked", "leaked",
    "didn't", "didnt", "can't", "cant", "keeps", "keep", "just", "only", "at", "by", "as", "reminder",
}


def find(text: str) -> List[Span]:
    spans: List[Span] = []
    for match in LEAD.finditer(text):
        value = match.group("value")
        word = value.lower().rstrip(".,!?;:")
        if word in NOT_A_VALUE or (word.isalpha() and not match.group("said")):
            continue  # "password reset" is a topic; "password: reset" or "PIN 4821" is a value
        end = match.end("value")
        while end > match.start("value") + 1 and text[end - 1] in ".,!?;:" and not _symbolic(value):
            end -= 1
        spans.append(Span(match.start("value"), end, "password"))
    return spans


def _symbolic(value: str) -> bool:
    """A value with symbols inside keeps its trailing punctuation: it may be part of it."""
    return any(not c.isalnum() for c in value[:-1])
