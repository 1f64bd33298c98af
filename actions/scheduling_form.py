"""The appointment form: one form for booking, rescheduling and cancelling.

``appointment_operation`` (set from the intent) picks the slots to fill:
book -> kind, time; reschedule -> booking_reference, time; cancel -> booking_reference.
The time is read by actions.scheduling_times (windows, questions back) and checked
here against the shop's grid (actions.calendar): a time that cannot be booked gets the
nearest free ones.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import calendar, services
from actions.booking_store import Booking
from actions.scheduling_text import booking_line, time_buttons, when
from actions.scheduling_times import appointment_kind, read_time_reply, taken_near

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


class ValidateAppointmentForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_appointment_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """As the SDK runs it, plus ``appointment_time_choices``, which the form does not ask
        for and so would otherwise be dropped from the validation result."""
        before = tracker.get_slot("appointment_time_choices")
        events = await super().run(dispatcher, tracker, domain)
        after = tracker.slots.get("appointment_time_choices")
        if after != before:
            events.append(SlotSet("appointment_time_choices", after))
        return events

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
        return await read_time_reply(dispatcher, tracker, interrupted(tracker))

    async def validate_appointment_kind(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A time given before the kind was known is checked again for this kind."""
        held = tracker.get_slot("appointment_time")
        if not value or not held:
            return {"appointment_kind": value}
        shop, now = services.settings(), services.now()
        moment = datetime.fromisoformat(held).astimezone(shop.timezone)
        taken = await taken_near(value, moment)
        problem = calendar.check(moment, now, taken, shop)
        if problem is None:
            return {"appointment_kind": value}
        dispatcher.utter_message(
            text=f"Sorry, {when(moment, shop)} isn't possible: {problem.message}. "
            "The nearest free times are below; pick one or tell me another time.",
            buttons=time_buttons(calendar.alternatives(moment, now, taken, shop), shop),
        )
        return {"appointment_kind": value, "appointment_time": None}

    async def validate_appointment_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        shop, now = services.settings(), services.now()
        try:
            moment = datetime.fromisoformat(str(value)).astimezone(shop.timezone)
        except ValueError:
            return {"appointment_time": None}
        kind = await appointment_kind(tracker)
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
