"""Times of day in normalised text: "3pm", "15:30", "half past two", "quarter to 11",
"half two" (14:30, as said in Britain), "at 4", "5ish", "noon"; bounds ("not before 4",
"after 3pm", "before 11", "between 2 and 4") and the shop's named day parts
("morning", "after lunch", "in the evening").

A bare hour is read in shop hours: 1-7 is afternoon, 8-11 morning, 12 noon.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from typing import Dict, List, Optional, Tuple

from actions.timeparse.model import DayPart
from actions.timeparse.words import MONTHS

Span = Tuple[time, time]
MIDNIGHT = time(0)

_H = r"(\d{1,2})(?:[:.](\d{2}))?(?:\s*(am|pm))?"
_PAST_TO = re.compile(r"\b(quarter|half|5|10|20|25)(?:\s+minutes)?\s+(past|after|to|til)\s+(\d{1,2})(?:\s*(am|pm))?\b"
                      r"(?!\s*[/:])")
_HALF = re.compile(r"\bhalf\s+(\d{1,2})\b(?!\s*(?:hours?|days?|weeks?|an?\b))")
_EXPLICIT = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)\b|\b(\d{1,2})[:h](\d{2})\b|\b(\d{1,2})\.(\d{2})(?=\s|$)")
_BARE = re.compile(r"\b(?:at|around|about|for|say|from|after|before|by|until|till|til|ish|than)\s+(?:about\s+|around\s+)?"
                   r"(\d{1,2})\b(?!\s*(?:st|nd|rd|th|/|days?|weeks?|months?|mins?|minutes?|hours?)\b)(?![/\d])"
                   r"|\b(\d{1,2})\s*(?:o'?clock|ish)\b")
_NAMED = {"noon": time(12), "midday": time(12), "midnight": time(0)}
_BEFORE = re.compile(r"(?:\bnot\s+after|\bno\s+later\s+than|\bearlier\s+than|\bbefore|\bby|\buntil|\btill|\btil|\bup\s+to)"
                     r"\s*(?:about\s+)?$")
_AFTER = re.compile(r"(?:\bnot\s+before|\bno\s+earlier\s+than|\blater\s+than|\bafter|\bfrom|\bany\s*time\s+after)"
                    r"\s*(?:about\s+)?$")
_OR_TIME = re.compile(r"^\s*or\s+(?:at\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\b(?!\s*(?:/|days?\b|weeks?\b))")
_OR_BEFORE = re.compile(r"\b(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s+or\s+(?:at\s+)?$")
_ONWARDS = re.compile(r"^\s*(?:onwards?|or\s+later|and\s+later)\b")
_RANGE = re.compile(r"(?<![\d/-])\b(?:between|from)?\s*" + _H + r"\s*(?:-|to|and|till|until)\s*" + _H
                    + r"\b(?![-/])(?!\s*/|\s+(?:of\s+)?(?:" + "|".join(MONTHS) + r"))")


@dataclass(frozen=True)
class ClockSpec:
    """An exact time, or windows of clock times, or nothing."""

    exact: Optional[time] = None
    spans: Tuple[Span, ...] = ()
    words: Tuple[str, ...] = field(default=())  # named parts found, for the question wording

    @property
    def found(self) -> bool:
        return self.exact is not None or bool(self.spans)


def find_clock(text: str, day_parts: Dict[str, DayPart]) -> Tuple[ClockSpec, str]:
    """The time of day in ``text`` and the text without it."""
    spans: List[Span] = []
    words: List[str] = []
    text = _find_range(text, spans)
    exact: Optional[time] = None
    if not spans:
        exact, text = _find_exact(text, spans)
    for name, part in sorted(_parts(day_parts).items(), key=lambda item: -len(item[0])):
        pattern = rf"\b(?:in\s+the\s+|this\s+|at\s+|over\s+|during\s+|an?\s+)?{re.escape(name)}s?\b"
        if re.search(pattern, text):
            text = re.sub(pattern, " ", text, count=1)
            if isinstance(part, time):
                exact = exact or part
            else:
                spans.append(part)
                words.append(name)
    if exact is not None:
        spans = [s for s in spans if not _inside(exact, s)]
    return ClockSpec(exact, tuple(spans), tuple(words)), text


def _parts(day_parts: Dict[str, DayPart]) -> Dict[str, DayPart]:
    parts: Dict[str, DayPart] = dict(_NAMED)
    parts.update(day_parts)
    if "morning" in day_parts:
        parts.setdefault("am", day_parts["morning"])
    if "afternoon" in day_parts:
        parts.setdefault("pm", day_parts["afternoon"])
    return parts


def _find_range(text: str, spans: List[Span]) -> str:
    for match in _RANGE.finditer(text):
        lead = text[max(0, match.start() - 12): match.start()] + match.group(0)
        if not re.search(r"between|from|am|pm|:|\d\s*-\s*\d", lead):
            continue
        second = _hour(match.group(4), match.group(5), match.group(6))
        first = _hour(match.group(1), match.group(2), match.group(3) or match.group(6))
        if first is None or second is None or first >= second:
            first = _hour(match.group(1), match.group(2), match.group(3))
        if first is not None and second is not None and first < second:
            spans.append((first, second))
            return text[: match.start()] + " " + text[match.end():]
    return text


def _find_exact(text: str, spans: List[Span]) -> Tuple[Optional[time], str]:
    found = _past_to(text) or _half(text) or _explicit(text) or _bare(text)
    if found is None:
        return None, text
    clock, start, end = found
    before, after = text[:start], text[end:]
    if _AFTER.search(before) or _ONWARDS.match(after):
        spans.append((clock, MIDNIGHT))
        before, after = _AFTER.sub(" ", before), _ONWARDS.sub(" ", after)
        return None, before + " " + after
    if _BEFORE.search(before):
        spans.append((MIDNIGHT, clock))
        return None, _BEFORE.sub(" ", before) + " " + after
    other, earlier = _OR_TIME.match(after), _OR_BEFORE.search(before)
    if other:
        second = _hour(other.group(1), other.group(2), other.group(3) or _suffix(text[start:end]))
        before, after = before, after[other.end():]
    elif earlier:
        second = _hour(earlier.group(1), earlier.group(2), earlier.group(3) or _suffix(text[start:end]))
        before = before[: earlier.start()]
    else:
        second = None
    if second is not None and second != clock:
        spans.extend((t, _minute_later(t)) for t in sorted((clock, second)))
        return None, before + " " + after
    return clock, re.sub(r"\b(?:at|around|about|for)\s*$", " ", before) + " " + after


def _past_to(text: str) -> Optional[Tuple[time, int, int]]:
    match = _PAST_TO.search(text)
    if not match:
        return None
    amount = {"quarter": 15, "half": 30}.get(match.group(1)) or int(match.group(1))
    hour = _hour(match.group(3), None, match.group(4))
    if hour is None or amount >= 60:
        return None
    minutes = hour.hour * 60 + (amount if match.group(2) in ("past", "after") else -amount)
    return time(minutes // 60 % 24, minutes % 60), match.start(), match.end()


def _half(text: str) -> Optional[Tuple[time, int, int]]:
    match = _HALF.search(text)
    hour = _hour(match.group(1), None, None) if match else None
    return (hour.replace(minute=30), match.start(), match.end()) if match and hour else None


def _explicit(text: str) -> Optional[Tuple[time, int, int]]:
    for match in _EXPLICIT.finditer(text):
        if match.group(1):
            clock = _hour(match.group(1), match.group(2), match.group(3))
        elif match.group(4):
            clock = _hour(match.group(4), match.group(5), None, literal=match.group(4).startswith("0"))
        else:
            clock = _hour(match.group(6), match.group(7), None)
        if clock is not None:
            return clock, match.start(), match.end()
    return None


def _bare(text: str) -> Optional[Tuple[time, int, int]]:
    match = _BARE.search(text)
    if not match:
        return None
    clock = _hour(match.group(1) or match.group(2), None, None)
    if clock is None:
        return None
    return clock, (match.start(1) if match.group(1) else match.start()), match.end()


def _hour(hours: Optional[str], minutes: Optional[str], suffix: Optional[str], literal: bool = False) -> Optional[time]:
    if hours is None:
        return None
    hour, minute = int(hours), int(minutes or 0)
    if minute >= 60 or hour > 23:
        return None
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif not literal and 1 <= hour <= 7:
        hour += 12  # "at 2" in shop hours is 14:00
    return time(hour, minute)


def _suffix(text: str) -> Optional[str]:
    found = re.search(r"\b(am|pm)\b", text)
    return found.group(1) if found else None


def _minute_later(moment: time) -> time:
    minutes = moment.hour * 60 + moment.minute + 1
    return time(minutes // 60 % 24, minutes % 60)


def _inside(moment: time, span: Span) -> bool:
    return span[0] <= moment and (span[1] == MIDNIGHT or moment < span[1])
