"""Tables of date and time expressions with their expected readings: loading, and the
comparison that says whether a reading is exact, an ask-back, or wrong.

Used by tests/actions/test_timeparse_table.py and bench/timeparse.py, so the test and
the bench read the same files the same way. The file format is described at the top
of bench/data/timeparse_heldout.yml.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import yaml

# What a reading comes down to: ("at", moment), ("windows", ((start, end), ...)),
# ("ask",), ("impossible",) or ("none",).
Outcome = Tuple[Any, ...]


@dataclass(frozen=True)
class Case:
    text: str
    now: datetime
    expected: Outcome
    booked: Optional[datetime] = None

    @property
    def label(self) -> str:
        return f"{self.now:%a %d %b %Y %H:%M} | {self.text}"


def load_cases(path: Path, tz: ZoneInfo) -> List[Case]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for group in raw["groups"]:
        now = _moment(group["now"], tz)
        for case in group["cases"]:
            booked = _moment(case["booked"], tz) if case.get("booked") else None
            cases.append(Case(str(case["text"]), now, expected(case, tz), booked))
    return cases


def expected(case: Dict[str, Any], tz: ZoneInfo) -> Outcome:
    if "at" in case:
        return ("at", _moment(case["at"], tz))
    if "windows" in case:
        spans = [span for spec in case["windows"] for span in _spans(str(spec), tz)]
        return ("windows", tuple(sorted(spans)))
    for key in ("ask", "impossible", "none"):
        if case.get(key):
            return (key,)
    raise ValueError(f"case {case.get('text')!r} has no expected result (at, windows, ask, impossible, none)")


def outcome_of(reading: Any) -> Outcome:
    """A reading of actions.timeparse as an outcome to compare."""
    from actions.timeparse import AskBack, ExactTime, Impossible, windows_of

    if reading is None:
        return ("none",)
    if isinstance(reading, ExactTime):
        return ("at", reading.at)
    if isinstance(reading, AskBack):
        return ("ask",)
    if isinstance(reading, Impossible):
        return ("impossible",)
    return ("windows", tuple(sorted((w.start, w.end) for w in windows_of(reading))))


def context(case: Case, shop: Any) -> Any:
    """The TimeContext the scheduling form builds, for this case's "now" and booking."""
    from actions.timeparse import TimeContext

    return TimeContext(case.now, shop.day_first, shop.day_parts, shop.max_days_ahead, case.booked)


def verdict(got: Outcome, want: Outcome) -> str:
    """'exact', 'asked' (the reading asks back) or 'wrong'."""
    if got[0] == "ask":
        return "asked"
    return "exact" if got == want else "wrong"


def describe(outcome: Outcome) -> str:
    if outcome[0] == "at":
        return f"at {outcome[1]:%a %Y-%m-%d %H:%M}"
    if outcome[0] == "windows":
        return "windows " + ", ".join(f"{s:%a %Y-%m-%d %H:%M}-{e:%a %Y-%m-%d %H:%M}" for s, e in outcome[1])
    return outcome[0]


def _moment(text: str, tz: ZoneInfo) -> datetime:
    return datetime.strptime(str(text), "%Y-%m-%d %H:%M").replace(tzinfo=tz)


def _spans(spec: str, tz: ZoneInfo) -> List[Tuple[datetime, datetime]]:
    if "/" in spec:
        start, end = spec.split("/")
        return [(_moment(start, tz), _moment(end, tz))]
    days, _, hours = spec.partition(" ")
    first, _, last = days.partition("..")
    day, end_day = date.fromisoformat(first), date.fromisoformat(last or first)
    opens, closes = hours.split("-") if hours else ("00:00", "24:00")
    spans = []
    while day <= end_day:
        spans.append((_at(day, opens, tz), _at(day, closes, tz)))
        day += timedelta(days=1)
    return spans


def _at(day: date, clock: str, tz: ZoneInfo) -> datetime:
    if clock == "24:00":
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    hours, minutes = clock.split(":")
    return datetime.combine(day, time(int(hours), int(minutes)), tzinfo=tz)
