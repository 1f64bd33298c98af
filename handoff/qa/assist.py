"""Agent assist: what the bot would answer the customer's last message, for the agent
to insert and edit. FAQ answers of the domain in the order the bot's NLU ranks them
(POST /model/parse), with the coverage score of its choice; the status of the order the
bot verified (the action server's order store); free appointment slots when the
customer asks for one (its booking store). What the bot would have done is visible, so
agents also spot the bot's mistakes."""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Dict, List, Optional, Sequence

from handoff.errors import RasaUnavailable
from handoff.qa.domain import Catalogue
from handoff.service.rasa_client import RasaClient

logger = logging.getLogger(__name__)
ORDER_NUMBER = re.compile(r"(?<!\d)\d{5,}(?!\d)")
BOOKING_INTENTS = ("book_appointment", "reschedule_appointment")
FAQS_SHOWN = 3


@dataclass(frozen=True)
class Suggestion:
    kind: str     # faq | order | slots
    title: str
    text: str     # what goes into the reply box
    score: Optional[float] = None

    def as_dict(self) -> Dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Assist:
    message: Optional[str]           # the customer's last message
    intent: Optional[str] = None     # what the bot made of it
    coverage: Optional[Dict[str, Any]] = None
    suggestions: List[Suggestion] = field(default_factory=list)
    problems: List[str] = field(default_factory=list)  # what could not be asked (Rasa down...)

    def as_dict(self) -> Dict[str, Any]:
        return {"message": self.message, "intent": self.intent, "coverage": self.coverage,
                "suggestions": [s.as_dict() for s in self.suggestions], "problems": self.problems}


def last_customer_text(context: Dict[str, Any], messages: Sequence[Any]) -> Optional[str]:
    said = [m.text for m in messages if m.sender == "customer"]
    if said:
        return said[-1]
    lines = [line.get("text") for line in context.get("transcript") or [] if isinstance(line, dict)
             and line.get("speaker") == "customer"]
    return lines[-1] if lines else None


def faq_suggestions(parse: Dict[str, Any], catalogue: Catalogue) -> List[Suggestion]:
    ranked = [r for r in parse.get("full_intent_ranking") or [] if str(r.get("name", "")).startswith("faq/")]
    if not ranked:  # a pipeline without the embedding classifier: the response selector's ranking
        selector = (parse.get("response_selector") or {}).get("faq") or {}
        ranked = [{"name": r.get("intent_response_key"), "confidence": r.get("confidence")}
                  for r in selector.get("ranking") or []]
    found = []
    for entry in ranked[:FAQS_SHOWN]:
        key = str(entry.get("name"))
        if key in catalogue.answers:
            found.append(Suggestion("faq", key, catalogue.answers[key], entry.get("confidence")))
    return found


async def order_suggestion(context: Dict[str, Any], texts: Sequence[str]) -> Optional[Suggestion]:
    """The status of an order the customer named, when the bot verified their email for it."""
    email = (context.get("customer") or {}).get("email") if (context.get("customer") or {}).get("verified") else None
    numbers = [n for text in texts for n in ORDER_NUMBER.findall(text or "")]
    if not email or not numbers:
        return None
    from actions import services
    from actions.orders import status_text

    store = await asyncio.to_thread(services.order_store)  # made on first use: files, not the event loop's work
    order = await store.find(numbers[-1])
    if order is None or order.email.lower() != str(email).lower():
        return None
    return Suggestion("order", f"order {order.number} (verified)", status_text(order))


async def slot_suggestion() -> Optional[Suggestion]:
    """The next free store visits."""
    from actions import calendar, services
    from actions.scheduling_text import when

    shop = await asyncio.to_thread(services.settings)
    bookings = await asyncio.to_thread(services.booking_store)
    now = services.now()
    end = now + timedelta(days=14)
    taken = await bookings.ataken("store_visit", now, end)
    free = calendar.free_in([(now, end)], now, taken, shop)
    if not free:
        return None
    return Suggestion("slots", "free store visits", "I can book a store visit for you: "
                      + "; ".join(when(moment, shop) for moment in free) + ". Which suits you?")


async def suggestions(rasa: RasaClient, catalogue: Catalogue, session: Any, messages: Sequence[Any]) -> Assist:
    context = session.context if isinstance(session.context, dict) else {}
    text = last_customer_text(context, messages)
    assist = Assist(text)
    if text:
        try:
            parse = await rasa.parse(text)
            assist.intent = (parse.get("intent") or {}).get("name")
            assist.coverage = parse.get("coverage") if isinstance(parse.get("coverage"), dict) else None
            assist.suggestions += faq_suggestions(parse, catalogue)
        except RasaUnavailable as exc:
            assist.problems.append(f"the bot's answers are not available: {exc}")
    said = [line.get("text", "") for line in context.get("transcript") or [] if isinstance(line, dict)
            and line.get("speaker") == "customer"] + [m.text for m in messages if m.sender == "customer"]
    extra = [order_suggestion(context, said)]
    wants_slot = assist.intent in BOOKING_INTENTS or any(
        (i or {}).get("intent") in BOOKING_INTENTS for i in context.get("intents") or [] if isinstance(i, dict))
    if wants_slot:
        extra.append(slot_suggestion())
    for pending in extra:
        try:
            found = await pending
        except Exception as exc:  # a store the service cannot reach: the rest still helps
            logger.warning("assist: %s", exc)
            assist.problems.append(f"a suggestion is not available: {exc.__class__.__name__}")
            continue
        if found is not None:
            assist.suggestions.append(found)
    return assist
