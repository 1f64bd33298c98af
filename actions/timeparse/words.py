"""Customers' words brought to one spelling before any rule reads them: lower case,
abbreviations and texting spellings ("tmrw", "weds"), number words ("three",
"quarter to eleven" keeps its words), ordinals ("first" -> "1st") and typos of the
calendar words ("tomorow", "wensday"), corrected when one word is clearly meant."""
from __future__ import annotations

import calendar
import re
from typing import Dict, List, Optional

WEEKDAYS = [name.lower() for name in calendar.day_name]
MONTHS = [name.lower() for name in calendar.month_name if name]

ALIASES: Dict[str, str] = {
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "weds": "wednesday",
    "thu": "thursday", "thur": "thursday", "thurs": "thursday", "fri": "friday", "sat": "saturday",
    "sun": "sunday", "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june",
    "jul": "july", "aug": "august", "sep": "september", "sept": "september", "oct": "october",
    "nov": "november", "dec": "december", "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow",
    "tomoz": "tomorrow", "2moro": "tomorrow", "2morrow": "tomorrow", "2mrw": "tomorrow", "2day": "today",
    "tonite": "tonight", "2nite": "tonight", "wk": "week", "wks": "weeks", "nxt": "next", "arvo": "afternoon",
    "aft": "afternoon", "mornin": "morning", "noonish": "noon", "asap": "as soon as possible",
    "a.m.": "am", "p.m.": "pm", "a.m": "am", "p.m": "pm", "xmas": "christmas", "hrs": "",
}
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}
# Words a typo may be meant as; short words are left alone ("noon" is one letter from "soon").
VOCABULARY = WEEKDAYS + MONTHS + [
    "today", "tomorrow", "tonight", "yesterday", "morning", "afternoon", "evening", "midday", "fortnight",
    "weekend", "lunchtime", "quarter", "between", "o'clock", "christmas",
]
KEEP = {"opening", "openings", "evenings", "there", "these", "where", "other", "month", "months", "monthly", "sunny", "thanks", "order", "orders",
        "store", "phone", "visit", "would", "could", "should", "maybe", "whenever", "morning", "mornings",
        "evenings", "afternoons", "weekends", "earlier", "later", "after", "before", "first", "march", "marching",
        "today's", "tomorrow's", "tonight's", "monday's", "week's", "lunch", "everyday", "saturdays", "sundays",
        "mondays", "tuesdays", "wednesdays", "thursdays", "fridays"}
_TOKEN = re.compile(r"[a-z][a-z.']*[a-z]|[a-z]")


def normalise(text: str) -> str:
    """One spelling for the rules: ``"Tmrw @ 3 P.M., thrusday?"`` -> ``"tomorrow at 3 pm thursday"``."""
    lowered = " " + text.lower().replace("’", "'").replace("@", " at ") + " "
    lowered = re.sub(r"(?<=\d)(am|pm|a\.m\.|p\.m\.)", r" \1", lowered)
    lowered = re.sub(r"\b(?:a\.m\.?|p\.m\.?)", lambda m: " " + m.group(0).replace(".", "") + " ", lowered)
    lowered = re.sub(r"\b(i|you|he|she|we|they|it|the)\s+(sat|sun)\b", r"\1 _\2", lowered)  # "I sat down"
    lowered = _TOKEN.sub(lambda m: _word(m.group(0)), lowered)
    lowered = re.sub(r"\b(twenty|thirty)[\s-]+(one|two|three|four|five|six|seven|eight|nine)\b",
                     lambda m: str(NUMBERS[m.group(1)] + NUMBERS[m.group(2)]), lowered)
    lowered = re.sub(r"\b(twenty|thirty)[\s-]+(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b",
                     lambda m: _ordinal(NUMBERS[m.group(1)] + ORDINALS[m.group(2)]), lowered)
    lowered = re.sub(r"\bone\b(?!\s*(?:o'?clock|am|pm|ish|thirty|fifteen|forty|or|and|to|-))(?<!\d)", "_one", lowered)
    lowered = re.sub(r"\b(?:at|about|around|past|to|half|after|before|until|till|by|from|or|and|in)\s+_one\b",
                     lambda m: m.group(0).replace("_one", "one"), lowered)
    lowered = re.sub(r"\b(" + "|".join(NUMBERS) + r")\b", lambda m: str(NUMBERS[m.group(1)]), lowered)
    lowered = re.sub(r"\b(?<!a )(" + "|".join(ORDINALS) + r")\b(?!\s+thing)", lambda m: _ordinal(ORDINALS[m.group(1)]), lowered)
    lowered = re.sub(r"[,;!?()\"]|(?<!\d)\.|\.(?!\d)", " ", lowered)
    return " " + re.sub(r"\s+", " ", lowered).strip() + " "


def _word(word: str) -> str:
    if word in ALIASES:
        return ALIASES[word]
    bare = word.rstrip(".")
    if bare in ALIASES:
        return ALIASES[bare]
    if bare in VOCABULARY or bare in KEEP or bare in NUMBERS or bare in ORDINALS or len(bare) < 5:
        return word
    return corrected(bare) or word


def corrected(word: str) -> Optional[str]:
    """The one calendar word ``word`` is a typo of (1 edit, 2 from 7 letters), or None."""
    limit = 2 if len(word) >= 7 else 1
    best: List[str] = []
    best_distance = limit + 1
    for candidate in VOCABULARY:
        if abs(len(candidate) - len(word)) > limit:
            continue
        distance = _edits(word, candidate, limit)
        if distance > limit or (distance > 1 and candidate[0] != word[0]):
            continue  # two edits only when the first letter is right ("opening" is not "evening")
        if distance < best_distance:
            best, best_distance = [candidate], distance
        elif distance == best_distance:
            best.append(candidate)
    return best[0] if len(best) == 1 else None


def _edits(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), capped just above ``limit``."""
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
