"""The appointment form: one form for booking, rescheduling and cancelling.

``appointment_operation`` (set from the intent) picks the slots to fill:
book -> kind, time; reschedule -> booking_reference, time; cancel -> booking_reference.
Times are read with actions.timeparse and checked against the shop's grid
(actions.calendar); a time that cannot be booked gets the nearest free ones.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import calendar, services
from actions.booking_store import Booking
from actions.scheduling_text import booking_line, time_buttons, when
from actions.timeparse import combine, parse_when

# Intents that interrupt a form instead of answering it (rules in data/rules handle them).
INTERRUPTIONS = {"stop", "faq", "bot_challenge", "greet", "goodbye", "thank", "out_of_scope", "track_order",
                 "request_human"}
REFERENCE = re.compile(r"\bBK-[A-Z0-9]{6}\b", re.IGNORECASE)
OPERATION_BY_INTENT = {
    "book_appointment": "book",
    "reschedule_appointment": "reschedule",
    "cancel_appointment": "cancel",
}
SLOTS_BY_OPERATION = {
    "book": ["appointment_kind", "appointment_time"],
    "reschedule": ["booking_reference", "appointment_time"],
    "cancel": ["booking_reference"],
}


def operation(tracker: Tracker) -> str:
    """The form's operation: kept in its slot once the form has started."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return tracker.get_slot("appointment_operation") or OPERATION_BY_INTENT.get(intent, "book")


def interrupted(tracker: Tracker) -> bool:
    return (tracker.latest_message.get("intent") or {}).get("name") in INTERRUPTIONS


def stopped(tracker: Tracker) -> bool:
    return (tracker.latest_message.get("intent") or {}).get("name") == "stop"


async def upcoming(tracker: Tracker) -> List[Booking]:
    return await services.booking_store().aupcoming(tracker.sender_id, services.now())


async def taken_near(kind: Optional[str], moment: datetime) -> List[datetime]:
    if kind is None:
        return []
    span = timedelta(days=15)
    return await services.booking_store().ataken(kind, moment - span, moment + span)


class ValidateAppointmentForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_appointment_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        op = operation(tracker)
        if op != "book" and not tracker.get_slot("booking_reference") and not await upcoming(tracker):
            return ["appointment_operation"]  # nothing to change; the confirmation step says so
        return ["appointment_operation"] + SLOTS_BY_OPERATION[op]

    async def extract_appointment_operation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("appointment_operation"):
            return {}
        return {"appointment_operation": operation(tracker)}

    async def extract_appointment_kind(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("appointment_kind") or stopped(tracker):
            return {}
        text = (tracker.latest_message.get("text") or "").lower()
        for kind in services.settings().kinds:
            if any(re.search(rf"\b{re.escape(word)}", text) for word in kind.keywords):
                return {"appointment_kind": kind.name}
        if interrupted(tracker):
            return {}
        if tracker.get_slot("requested_slot") == "appointment_kind":
            dispatcher.utter_message(text="Please choose an in-store service visit or a phone callback.")
            return {"appointment_kind": None}
        return {}

    async def extract_appointment_time(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        requested = tracker.get_slot("requested_slot") == "appointment_time"
        if stopped(tracker) or (tracker.get_slot("appointment_time") and not requested):
            return {}
        shop, now = services.settings(), services.now()
        parsed = parse_when(tracker.latest_message.get("text") or "", now, shop.day_parts)
        if not parsed.found and interrupted(tracker):
            return {}  # a question in the middle of the form: the rules answer it
        if parsed.problem:
            dispatcher.utter_message(text=f"Hmm, {parsed.problem}. Which day and time would suit you?")
            return {"appointment_time": None}
        moment = combine(parsed, now)
        if moment is not None:
            return {"appointment_time": moment.isoformat()}
        if parsed.day is not None:
            await self._offer_day(dispatcher, tracker, parsed.day, now)
            return {"appointment_time": None}
        if requested:
            dispatcher.utter_message(
                text="Sorry, I didn't catch a date and time. You can say things like "
                "'tomorrow at 10am', 'next Tuesday at 2pm' or 'the 3rd at 11:30'."
            )
            return {"appointment_time": None}
        return {}

    async def _offer_day(self, dispatcher: CollectingDispatcher, tracker: Tracker, day: Any, now: datetime) -> None:
        shop = services.settings()
        start = datetime.combine(day, datetime.min.time(), tzinfo=shop.timezone)
        kind = await self._kind(tracker)
        free = calendar.free_slots_on(start, now, await taken_near(kind, start), shop)
        if free:
            picks = free[:: max(1, len(free) // shop.alternatives)][: shop.alternatives]
            dispatcher.utter_message(
                text=f"What time on {start:%A %-d %B}? Free times include:", buttons=time_buttons(picks, shop)
            )
        else:
            alternatives = calendar.alternatives(start + timedelta(hours=12), now, await taken_near(kind, start), shop)
            dispatcher.utter_message(
                text=f"Sorry, there's nothing free on {start:%A %-d %B}. The nearest free times are:",
                buttons=time_buttons(alternatives, shop),
            )

    async def validate_appointment_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        shop, now = services.settings(), services.now()
        try:
            moment = datetime.fromisoformat(str(value)).astimezone(shop.timezone)
        except ValueError:
            return {"appointment_time": None}
        kind = await self._kind(tracker)
        taken = await taken_near(kind, moment)
        problem = calendar.check(moment, now, taken, shop)
        if problem is None:
            return {"appointment_time": moment.isoformat()}
        options = calendar.alternatives(moment, now, taken, shop)
        dispatcher.utter_message(
            text=f"Sorry, {when(moment, shop)} isn't possible: {problem.message}. "
            "The nearest free times are below; pick one or tell me another time.",
            buttons=time_buttons(options, shop),
        )
        return {"appointment_time": None}

    async def validate_booking_reference(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        match = REFERENCE.search(str(value or ""))
        mine = await upcoming(tracker)
        if match:
            reference = match.group(0).upper()
            if any(b.reference == reference for b in mine):
                return {"booking_reference": reference}
        shop = services.settings()
        listing = "; ".join(booking_line(b, shop) for b in mine)
        dispatcher.utter_message(
            text="I can't find that booking among your upcoming appointments. "
            + (f"You have: {listing}." if mine else "You have no upcoming appointments.")
        )
        return {"booking_reference": None}

    async def extract_booking_reference(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if tracker.get_slot("booking_reference") or interrupted(tracker):
            return {}
        mine = await upcoming(tracker)
        if len(mine) == 1:
            return {"booking_reference": mine[0].reference}
        return {}

    async def _kind(self, tracker: Tracker) -> Optional[str]:
        kind = tracker.get_slot("appointment_kind")
        reference = tracker.get_slot("booking_reference")
        if kind is None and reference:
            booking = await services.booking_store().aget(reference)
            kind = booking.kind if booking else None
        return kind
