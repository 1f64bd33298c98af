"""A scripted day of conversations as Rasa's tracker store keeps them (events with
timestamps), with the figures a person works out by hand from the script."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

DAY = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc).timestamp()  # a Monday, 09:00 UTC


def user(text: str, intent: str, *, faq: Optional[str] = None, covered: Optional[bool] = None,
         sentiment: Optional[float] = None, rating: Optional[str] = None) -> Dict[str, Any]:
    parse: Dict[str, Any] = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
    if faq:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{faq}"}}}
    if covered is not None:
        parse["coverage"] = {"in_scope": covered, "score": 0.9 if covered else 0.1}
    if sentiment is not None:
        parse["sentiment"] = {"score": sentiment}
    if rating:
        parse["entities"] = [{"entity": "rating", "value": rating}]
    return {"event": "user", "text": text, "parse_data": parse}


def bot(text: str) -> Dict[str, Any]:
    return {"event": "bot", "text": text}


def action(name: str) -> Dict[str, Any]:
    return {"event": "action", "name": name}


def slot(name: str, value: Any) -> Dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def timed(start: float, steps: List[Tuple[float, Dict[str, Any]]]) -> List[Dict[str, Any]]:
    """Events at start + offset seconds, after Rasa's session start."""
    return [{"event": "session_started", "timestamp": start}] + [{**e, "timestamp": start + at} for at, e in steps]


LOOP = [{"trigger": "loop", "reason": "loop", "skill": "general", "priority": "high", "mode": "transfer",
         "turn": 2, "detail": "2 fallbacks", "value": 2, "threshold": 2}]
KILL = [{"trigger": "kill_switch", "reason": "kill_switch", "skill": "orders", "priority": "normal",
         "mode": "transfer", "turn": 1, "detail": "switched off", "value": 1, "threshold": 1}]


def day() -> Dict[str, List[Dict[str, Any]]]:
    """Seven conversations, one each ten minutes from 09:00."""
    at = [DAY + 600 * i for i in range(8)]
    return {
        # FAQ answered, thanks: resolved by the bot. Latencies 0.5 and 0.4 s.
        "faq": timed(at[0], [(0, user("how long is shipping", "faq", faq="shipping_time")), (0.3, action("utter_faq")),
                             (0.5, bot("3-5 days")), (10, user("thanks", "thank")), (10.4, bot("You're welcome"))]),
        # An order found: resolved; skill orders. Latencies 1.0 and 3.0 s (one over 2 s).
        "order": timed(at[1], [(0, user("where is my order", "track_order")), (1, bot("Your order number?")),
                               (20, user("10001 a@b.co", "inform")), (21, action("action_check_order")),
                               (22, slot("customer_email", "a@b.co")), (23, bot("It is on its way"))]),
        # A booking made: resolved; skill scheduling. Latencies 0.6 and 6.0 s (over 2 and over 5).
        "booking": timed(at[2], [(0, user("book a visit", "book_appointment")), (0.6, bot("When?")),
                                 (30, user("yes", "affirm")), (31, action("action_confirm_appointment")),
                                 (36, bot("Booked! Your store visit is on Monday."))]),
        # Two fallbacks, then the loop trigger hands off; negative sentiment on the second. Latencies 1.0, 1.0 s.
        "loop": timed(at[3], [(0, user("blah", "nlu_fallback")), (1, bot("Sorry?")),
                              (20, user("argh", "nlu_fallback", sentiment=-0.8)), (20.5, slot("handoff_reasons", LOOP)),
                              (20.6, action("action_handoff")), (21, bot("Passing you on")),
                              (21.1, {"event": "pause"})]),
        # Outside the coverage (not a FAQ answered), then gone: abandoned in the bot. Latency 0.2 s.
        "outside": timed(at[4], [(0, user("fix my car", "faq", faq="warranty", covered=False)), (0.2, bot("Sorry"))]),
        # The same FAQ twice, no thanks: not answered (re-asked), abandoned. Latencies 0.5, 0.5 s.
        "reasked": timed(at[5], [(0, user("refund?", "faq", faq="refund_timing")), (0.5, bot("5 days")),
                                 (30, user("refund??", "faq", faq="refund_timing")), (30.5, bot("5 days"))]),
        # A FAQ answered and a rating of 4 given to the bot alone: resolved. Latencies 0.5, 0.5 s.
        "rated": timed(at[6], [(0, user("opening hours", "faq", faq="store_hours")), (0.5, bot("9-5")),
                               (40, user("4", "rate_agent", rating="4")), (40.5, bot("Thanks"))]),
    }


# What a person counts from the script above.
EXPECTED = {
    "conversations": 7, "handed_off": 1, "without_person": 6, "resolved_by_bot": 4, "abandoned_in_bot": 2,
    "customer_messages": 13, "fallbacks": 2, "out_of_coverage": 1, "negative": 1,
    "latency_turns": 13, "latency_sum": 0.5 + 0.4 + 1 + 3 + 0.6 + 6 + 1 + 1 + 0.2 + 0.5 + 0.5 + 0.5 + 0.5,
    "over_2s": 2, "over_5s": 1,
    "faq_asked": 4, "faq_answered": 2, "orders_found": 1, "bookings_made": 1,
}
