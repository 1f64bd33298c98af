"""What an agent receives with a transferred conversation: the HandoffContext, built
from the full Rasa tracker (events as dicts, the form the tracker store, the HTTP API
and rasa-sdk's Tracker use), with a summary readable in five seconds. Personal data
(card numbers, IBANs, government IDs, passwords, emails other than the verified one) is
redacted with handoff.privacy before anything leaves the bot. Pure: no I/O."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from handoff.conversation import HANDOFF_SLOT, full_intent
from handoff.evidence import PRIORITY_RANK
from handoff.privacy.redactor import Redactor

# Slots worth an agent's eye, in the order the summary lists them.
KEY_SLOTS = (("order_number", "order"), ("booking_reference", "booking"), ("appointment_time", "appointment"),
             ("customer_email", "verified email"))
ENTITY_OF = {"customer_email": "__verified_only__"}  # an email typed is not a verified one
ROUTINE_INTENTS = {"greet", "goodbye", "thank", "affirm", "deny", "inform", "stop", "nlu_fallback", "bot_challenge",
                   "request_human"}
INTERNAL_ACTIONS = {"action_listen", "action_session_start", "action_handoff", "action_offer_human"}
MAX_LINES = 300        # the latest lines of a long conversation; the rest stays in Rasa's tracker
MAX_LINE_TEXT = 5000   # one message, as Rasa's channels cut it
# What the context never carries (the service applies privacy.yml's audiences on top).
CONTEXT_KINDS = ("card_number", "iban", "government_id", "password", "email")


@dataclass(frozen=True)
class Line:
    """One message of the transcript, either side."""
    at: Optional[str]      # ISO 8601, UTC
    speaker: str           # customer | bot | agent
    text: str
    intent: Optional[str] = None
    confidence: Optional[float] = None
    entities: List[Dict[str, Any]] = field(default_factory=list)
    sentiment: Optional[float] = None


@dataclass(frozen=True)
class HandoffContext:
    conversation_id: str
    channel: Optional[str]
    customer: Dict[str, Any]          # identity where verified (e.g. the email an order matched)
    reasons: List[Dict[str, Any]]     # the evidence in handoff_reasons
    skill: str
    priority: str
    summary: str
    transcript: List[Line]
    slots: Dict[str, Any]
    intents: List[Dict[str, Any]]     # per customer turn: turn, intent, confidence
    sentiment: List[Optional[float]]  # per customer turn
    created_at: str

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def _redactor() -> Redactor:
    return Redactor(CONTEXT_KINDS)


def redact(text: str, keep: Iterable[str] = ()) -> str:
    """Personal data replaced by `[REDACTED:<kind>]`; the emails in `keep` (the verified one) stay."""
    return _redactor()(text, tuple(keep))


def _iso(timestamp: Any) -> Optional[str]:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(float(timestamp), tz=timezone.utc).isoformat(timespec="seconds")


def transcript(events: Iterable[Mapping[str, Any]], keep: Sequence[str] = ()) -> List[Line]:
    """Both sides of the conversation since the last restart, redacted (but for the emails in `keep`)."""
    lines: List[Line] = []
    for event in events:
        kind = event.get("event")
        if kind == "restart":
            lines = []
        elif kind == "user" and (event.get("text") or "").strip():
            parse = event.get("parse_data") or {}
            lines.append(Line(
                at=_iso(event.get("timestamp")), speaker="customer", text=redact(event["text"], keep)[:MAX_LINE_TEXT],
                intent=full_intent(parse), confidence=(parse.get("intent") or {}).get("confidence"),
                entities=[{"entity": e.get("entity"), "value": redact(str(e.get("value")), keep)}
                          for e in parse.get("entities") or []],
                sentiment=(parse.get("sentiment") or {}).get("score"),
            ))
        elif kind == "bot" and (event.get("text") or "").strip():
            agent = (event.get("metadata") or {}).get("agent")
            lines.append(Line(at=_iso(event.get("timestamp")), speaker="agent" if agent else "bot",
                              text=redact(event["text"], keep)[:MAX_LINE_TEXT]))
    return lines


def summarize(lines: Sequence[Line], actions: Sequence[str], slots: Mapping[str, Any],
              reasons: Sequence[Mapping[str, Any]]) -> str:
    """Three short sentences: what the customer wants, what the bot tried, why a person."""
    customer = [line for line in lines if line.speaker == "customer"]
    wants = [line.intent for line in customer if line.intent and line.intent.split("/")[0] not in ROUTINE_INTENTS]
    topics = list(dict.fromkeys(_readable(i) for i in wants))
    first = next((line.text for line in customer if line.intent not in ("greet",)), "")
    parts = [f"Wants: {', '.join(topics[-3:])}" if topics else f"Said: \"{first[:80]}\"" if first else "Said nothing yet"]
    mentioned = {e["entity"]: e["value"] for line in customer for e in line.entities if e.get("entity")}
    values = [f"{label} {slots.get(name) or mentioned.get(ENTITY_OF.get(name, name))}" for name, label in KEY_SLOTS
              if slots.get(name) or mentioned.get(ENTITY_OF.get(name, name))]
    if values:
        parts[0] += f" ({'; '.join(values)})"
    tried = list(dict.fromkeys(_readable(a) for a in actions if a not in INTERNAL_ACTIONS and not a.startswith("utter_")))
    answered = sum(1 for a in actions if a.startswith("utter_"))
    parts.append(f"Bot tried: {', '.join(tried)}" + (f" and {answered} replies" if answered else "") if tried
                 else f"Bot sent {answered} replies" if answered else "Bot did nothing yet")
    scores = [line.sentiment for line in customer if line.sentiment is not None]
    mood = f"; mood {_mood(scores[-1])}" if scores else ""
    why = "; ".join(str(r.get("detail")) for r in reasons) or "no trigger recorded"
    parts.append(f"Why a person: {why}{mood}")
    return ". ".join(parts) + "."


def _readable(name: str) -> str:
    if name.startswith("faq/"):
        return "FAQ " + name.split("/", 1)[1].replace("_", " ")
    return name.removeprefix("action_").replace("_", " ")


def _mood(score: float) -> str:
    return "angry" if score <= -0.6 else "negative" if score <= -0.2 else "positive" if score >= 0.3 else "neutral"


def build_context(conversation_id: str, events: Sequence[Mapping[str, Any]], slots: Mapping[str, Any],
                  channel: Optional[str] = None, now: Optional[datetime] = None) -> HandoffContext:
    verified = slots.get("customer_email")
    lines = transcript(events, (verified,) if isinstance(verified, str) else ())
    reasons = [dict(r) for r in (slots.get(HANDOFF_SLOT) or []) if isinstance(r, Mapping)]
    top = max(reasons, key=lambda r: PRIORITY_RANK.get(r.get("priority", "normal"), 1), default={})
    actions = [e.get("name") for e in events if e.get("event") == "action" and e.get("name")]
    customer = [line for line in lines if line.speaker == "customer"]
    kept = {k: redact(v, (verified,)) if isinstance(v, str) and isinstance(verified, str) else
            redact(v) if isinstance(v, str) else v
            for k, v in slots.items() if v is not None and k not in (HANDOFF_SLOT, "requested_slot")}
    return HandoffContext(
        conversation_id=conversation_id,
        channel=channel or next((e.get("input_channel") for e in reversed(events)
                                 if e.get("event") == "user" and e.get("input_channel")), None),
        customer={"email": slots["customer_email"], "verified": True} if slots.get("customer_email") else {},
        reasons=reasons,
        skill=str(top.get("skill", "general")),
        priority=str(top.get("priority", "normal")),
        summary=summarize(lines, actions, slots, reasons)[:2000],
        transcript=lines[-MAX_LINES:],
        slots=kept,
        intents=[{"turn": i, "intent": line.intent, "confidence": line.confidence}
                 for i, line in enumerate(customer, start=1)][-MAX_LINES:],
        sentiment=[line.sentiment for line in customer][-MAX_LINES:],
        created_at=(now or datetime.now(timezone.utc)).isoformat(timespec="seconds"),
    )
