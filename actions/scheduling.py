"""Appointment actions around the form: the questions it asks, the confirmation,
the change itself, and "my appointments". Bookings belong to the conversation's
sender id (the customer on this channel)."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import calendar, services
from actions.errors import SlotTaken, StoreUnavailable
from actions.scheduling_form import operation, upcoming
from actions.scheduling_times import taken_near, times_offered_this_turn
from actions.scheduling_text import booking_line, kind_label, opening_hours_text, time_buttons, when, with_article

logger = logging.getLogger(__name__)
APPOINTMENT_SLOTS = ("appointment_operation", "appointment_kind", "appointment_time", "appointment_time_choices",
                     "booking_reference")
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def clear_appointment() -> List[EventType]:
    return [SlotSet(name, None) for name in APPOINTMENT_SLOTS]


def _moment(tracker: Tracker) -> Optional[datetime]:
    value = tracker.get_slot("appointment_time")
    return datetime.fromisoformat(value) if value else None


class ActionAskAppointmentKind(Action):
    def name(self) -> Text:
        return "action_ask_appointment_kind"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        shop = services.settings()
        dispatcher.utter_message(
            text="Would you like an in-store service visit or a phone callback?",
            buttons=[{"title": k.label.capitalize(), "payload": k.label} for k in shop.kinds],
        )
        return []


class ActionAskAppointmentTime(Action):
    def name(self) -> Text:
        return "action_ask_appointment_time"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        shop, now = services.settings(), services.now()
        kind = tracker.get_slot("appointment_kind")
        if kind is None and tracker.get_slot("booking_reference"):
            booking = await services.booking_store().aget(tracker.get_slot("booking_reference"))
            kind = booking.kind if booking else None
        if times_offered_this_turn(tracker):
            return []  # the times just offered are the one list; a second one would only confuse
        soonest = calendar.alternatives(now, now, await taken_near(kind, now), shop)
        dispatcher.utter_message(
            text=f"When would suit you? For example 'tomorrow at 10am', 'Friday afternoon' or 'not before 4'. "
            f"We're open {opening_hours_text(shop)}. The soonest free times are:",
            buttons=time_buttons(soonest, shop),
        )
        return []


class ActionAskBookingReference(Action):
    def name(self) -> Text:
        return "action_ask_booking_reference"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        shop = services.settings()
        mine = await upcoming(tracker)
        dispatcher.utter_message(
            text="Which appointment? " + "; ".join(booking_line(b, shop) for b in mine),
            buttons=[{"title": booking_line(b, shop), "payload": b.reference} for b in mine],
        )
        return []


class ActionAskConfirmAppointment(Action):
    """Runs when the form is complete: says exactly what will change and asks yes/no."""

    def name(self) -> Text:
        return "action_ask_confirm_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        shop, op = services.settings(), operation(tracker)
        moment, reference = _moment(tracker), tracker.get_slot("booking_reference")
        booking = await services.booking_store().aget(reference) if reference else None
        if moment and op in ("book", "reschedule"):
            kind = tracker.get_slot("appointment_kind") if op == "book" else (booking.kind if booking else None)
            if not await self._still_free(dispatcher, moment, kind):
                return [SlotSet("appointment_time", None), FollowupAction("appointment_form")]
        if op == "book" and moment:
            label = kind_label(tracker.get_slot("appointment_kind"), shop)
            question = f"Shall I book {with_article(label)} on {when(moment, shop)}?"
        elif booking:
            if op == "reschedule" and moment:
                question = f"Shall I move {booking.reference} ({kind_label(booking.kind, shop)}) from {when(booking.start, shop)} to {when(moment, shop)}?"
            else:
                question = f"Shall I cancel {booking_line(booking, shop)}?"
        else:
            dispatcher.utter_message(text="You have no upcoming appointments to change. Say 'book an appointment' to make one.")
            return clear_appointment()
        dispatcher.utter_message(text=question, buttons=YES_NO)
        return []

    async def _still_free(self, dispatcher: CollectingDispatcher, moment: datetime, kind: Optional[str]) -> bool:
        """Checks the slot again just before asking; if it went meanwhile, offers one list of others."""
        shop, now = services.settings(), services.now()
        taken = await taken_near(kind, moment)
        problem = calendar.check(moment, now, taken, shop)
        if problem is None:
            return True
        dispatcher.utter_message(
            text=f"Sorry, {when(moment, shop)} isn't possible any more: {problem.message}. "
            "The nearest free times are below; pick one or tell me another time.",
            buttons=time_buttons(calendar.alternatives(moment, now, taken, shop), shop),
        )
        return False


class ActionConfirmAppointment(Action):
    """Runs on "yes" after the confirmation question: books, moves or cancels."""

    def name(self) -> Text:
        return "action_confirm_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        shop, store, op = services.settings(), services.booking_store(), operation(tracker)
        moment, reference = _moment(tracker), tracker.get_slot("booking_reference")
        try:
            if op == "book" and moment:
                booking = await store.abook(tracker.sender_id, tracker.get_slot("appointment_kind"), moment)
                dispatcher.utter_message(
                    text=f"Booked! Your {kind_label(booking.kind, shop)} is on {when(booking.start, shop)}. "
                    f"Your booking reference is {booking.reference}."
                )
            elif op == "reschedule" and moment and reference:
                booking = await store.areschedule(reference, moment)
                dispatcher.utter_message(text=f"Done: {booking.reference} is now on {when(booking.start, shop)}.")
            elif op == "cancel" and reference:
                if await store.acancel(reference):
                    dispatcher.utter_message(text=f"Done: {reference} is cancelled.")
                else:
                    dispatcher.utter_message(text=f"{reference} was already cancelled.")
            else:
                dispatcher.utter_message(text="There's nothing waiting for confirmation. Would you like to book an appointment?")
        except SlotTaken:
            return await self._taken(dispatcher, tracker, moment)
        except (StoreUnavailable, KeyError) as exc:
            logger.error("booking change failed: %r", exc)
            dispatcher.utter_message(text="Sorry, I couldn't change your appointment just now. Please try again in a few minutes.")
        return clear_appointment()

    async def _taken(self, dispatcher: CollectingDispatcher, tracker: Tracker, moment: Optional[datetime]) -> List[EventType]:
        shop, now = services.settings(), services.now()
        kind = tracker.get_slot("appointment_kind")
        options = calendar.alternatives(moment or now, now, await taken_near(kind, moment or now), shop)
        dispatcher.utter_message(
            text="Sorry, someone has just taken that slot. The nearest free times are:",
            buttons=time_buttons(options, shop),
        )
        return [SlotSet("appointment_time", None), FollowupAction("appointment_form")]


class ActionDiscardAppointment(Action):
    """Forgets a booking in progress (the rule before it tells the customer)."""

    def name(self) -> Text:
        return "action_discard_appointment"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        return clear_appointment()


class ActionListAppointments(Action):
    def name(self) -> Text:
        return "action_list_appointments"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        shop = services.settings()
        mine = await upcoming(tracker)
        if not mine:
            dispatcher.utter_message(text="You have no upcoming appointments. Say 'book an appointment' to make one.")
        else:
            lines = "\n".join(f"- {booking_line(b, shop)}" for b in mine)
            dispatcher.utter_message(text=f"Your upcoming appointments:\n{lines}")
        return []
