"""One conversation's facts, from its Rasa events (dicts as the tracker store keeps
them): what the customer asked, what the bot finished, whether a person was asked
for and why, how fast the bot answered, what went wrong. Pure: no I/O.

A conversation is one Rasa session of a sender: a ``session_started`` (or a
``restart``) begins the next one. Segments without a customer message are not
conversations."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from handoff.conversation import HANDOFF_SLOT, full_intent

FALLBACK_INTENTS = ("nlu_fallback",)
OUT_OF_SCOPE_INTENTS = ("out_of_scope",)
CLOSING_INTENTS = ("goodbye", "thank")
NEGATIVE_AT = -0.5            # a customer message this negative or worse counts as negative
SLOW_TURN_SECONDS = (2.0, 5.0)  # bot turns slower than these are counted
BOOKED, MOVED, CANCELLED = "Booked!", "Done:", "is cancelled"


@dataclass
class Facts:
    conversation_id: str
    started_at: float
    ended_at: float
    skill: str = "general"
    user_turns: int = 0
    handed_off: int = 0          # action_handoff ran: a person was asked for
    handoff_trigger: Optional[str] = None
    handoff_reason: Optional[str] = None
    load_rule: Optional[str] = None   # a load rule that changed the decision (handoff.control.load_rules)
    offers: int = 0
    fallbacks: int = 0
    out_of_coverage: int = 0
    negative_turns: int = 0
    order_lookups: int = 0
    orders_found: int = 0
    bookings_made: int = 0
    bookings_moved: int = 0
    bookings_cancelled: int = 0
    faq_asked: int = 0
    faq_answered: int = 0        # answered and not asked again in the conversation
    latency_sum: float = 0.0     # seconds from a customer message to the bot's first answer
    latency_count: int = 0
    latency_over_2s: int = 0
    latency_over_5s: int = 0
    bot_rating: Optional[int] = None  # a 1-5 rating given where no person was asked for
    resolved_by_bot: int = 0
    abandoned_in_bot: int = 0
    day: int = 0                 # days since 1970-01-01 (UTC) of the start
    hour_of_week: int = 0        # 0 = Monday 00:00-01:00 UTC

    @property
    def key(self) -> str:
        return f"{self.conversation_id}@{self.started_at:.6f}"

    @property
    def tasks_completed(self) -> int:
        return self.orders_found + self.bookings_made + self.bookings_moved + self.bookings_cancelled

    def as_row(self) -> Dict[str, Any]:
        return {"key": self.key, **asdict(self)}


@dataclass
class _Reading:
    facts: Facts
    skills_by_intent: Mapping[str, str]
    operation: Optional[str] = None
    last_action: Optional[str] = None
    waiting_since: Optional[float] = None   # a customer message not answered yet
    faq_keys: List[str] = field(default_factory=list)
    reasons: List[Dict[str, Any]] = field(default_factory=list)
    last_intent: Optional[str] = None
    last_turn_failed: bool = False


def conversations(sender_id: str, events: Iterable[Mapping[str, Any]],
                  skills_by_intent: Optional[Mapping[str, str]] = None) -> List[Facts]:
    """The facts of every conversation in a sender's events (oldest first)."""
    segments: List[List[Mapping[str, Any]]] = [[]]
    for event in events:
        if event.get("event") in ("session_started", "restart") and segments[-1]:
            segments.append([])
        segments[-1].append(event)
    found = [_read(sender_id, segment, skills_by_intent or {}) for segment in segments]
    return [facts for facts in found if facts is not None]


def _read(sender_id: str, events: Sequence[Mapping[str, Any]], skills: Mapping[str, str]) -> Optional[Facts]:
    users = [e for e in events if e.get("event") == "user"]
    if not users:
        return None
    start = float(users[0].get("timestamp") or 0.0)
    end = max(float(e.get("timestamp") or 0.0) for e in events)
    moment = datetime.fromtimestamp(start, timezone.utc)
    reading = _Reading(Facts(sender_id, start, end, day=int(start // 86400),
                             hour_of_week=moment.weekday() * 24 + moment.hour), skills)
    for event in events:
        _EVENTS.get(str(event.get("event")), _ignore)(reading, event)
    _finish(reading)
    return reading.facts


def _ignore(reading: _Reading, event: Mapping[str, Any]) -> None:
    return None


def _user(reading: _Reading, event: Mapping[str, Any]) -> None:
    facts, parse = reading.facts, event.get("parse_data") or {}
    intent = full_intent(parse)
    base = (intent or "").split("/")[0]
    facts.user_turns += 1
    reading.waiting_since = float(event.get("timestamp") or 0.0)
    reading.last_intent = base
    coverage = parse.get("coverage")
    outside = isinstance(coverage, dict) and coverage.get("in_scope") is False
    reading.last_turn_failed = base in FALLBACK_INTENTS or base in OUT_OF_SCOPE_INTENTS or outside
    if base in FALLBACK_INTENTS:
        facts.fallbacks += 1
    elif base in OUT_OF_SCOPE_INTENTS or outside:
        facts.out_of_coverage += 1
    score = (parse.get("sentiment") or {}).get("score")
    if isinstance(score, (int, float)) and score <= NEGATIVE_AT:
        facts.negative_turns += 1
    if base == "faq" and intent and not outside:
        facts.faq_asked += 1
        reading.faq_keys.append(intent)
    if base == "rate_agent":
        rating = next((str(e.get("value")) for e in parse.get("entities") or [] if e.get("entity") == "rating"), "")
        if rating in ("1", "2", "3", "4", "5"):
            facts.bot_rating = int(rating)
    skill = reading.skills_by_intent.get(intent or "") or reading.skills_by_intent.get(base)
    if skill and not facts.handed_off:
        facts.skill = skill


def _bot(reading: _Reading, event: Mapping[str, Any]) -> None:
    facts, text = reading.facts, str(event.get("text") or "")
    if reading.waiting_since is not None:
        seconds = max(0.0, float(event.get("timestamp") or 0.0) - reading.waiting_since)
        facts.latency_sum += seconds
        facts.latency_count += 1
        facts.latency_over_2s += seconds > SLOW_TURN_SECONDS[0]
        facts.latency_over_5s += seconds > SLOW_TURN_SECONDS[1]
        reading.waiting_since = None
    if reading.last_action == "action_confirm_appointment":
        if text.startswith(BOOKED):
            facts.bookings_made += 1
        elif text.startswith(MOVED) and CANCELLED in text:
            facts.bookings_cancelled += 1
        elif text.startswith(MOVED) and reading.operation == "reschedule":
            facts.bookings_moved += 1
        reading.last_action = None


def _action(reading: _Reading, event: Mapping[str, Any]) -> None:
    facts, name = reading.facts, event.get("name")
    reading.last_action = name
    if name == "action_check_order":
        facts.order_lookups += 1
    elif name == "action_offer_human":
        facts.offers += 1
    elif name == "action_handoff" and not facts.handed_off:
        facts.handed_off = 1
        top = reading.reasons[0] if reading.reasons else {}
        facts.handoff_trigger = str(top.get("trigger") or "unknown")
        facts.handoff_reason = str(top.get("reason") or top.get("trigger") or "unknown")
        facts.load_rule = next((str(r["rule"]) for r in reading.reasons if r.get("rule")), None)
        if top.get("skill"):
            facts.skill = str(top["skill"])


def _slot(reading: _Reading, event: Mapping[str, Any]) -> None:
    name, value = event.get("name"), event.get("value")
    if name == "appointment_operation" and value:
        reading.operation = str(value)
    elif name == "customer_email" and value and reading.last_action == "action_check_order":
        reading.facts.orders_found += 1
    elif name == HANDOFF_SLOT and isinstance(value, list):
        reading.reasons = [r for r in value if isinstance(r, dict) and "trigger" in r]
        rule = next((str(r["rule"]) for r in reading.reasons if r.get("rule")), None)
        if rule and reading.reasons[0].get("mode") == "offer":
            reading.facts.load_rule = reading.facts.load_rule or rule


def _finish(reading: _Reading) -> None:
    facts = reading.facts
    keys = reading.faq_keys
    facts.faq_answered = sum(1 for key in set(keys) if keys.count(key) == 1)
    if facts.handed_off:
        return
    did_something = facts.tasks_completed > 0 or facts.faq_answered > 0 or reading.last_intent in CLOSING_INTENTS
    facts.resolved_by_bot = int(did_something and not reading.last_turn_failed)
    facts.abandoned_in_bot = 1 - facts.resolved_by_bot


_EVENTS = {"user": _user, "bot": _bot, "action": _action, "slot": _slot}
