"""The appointment form: one form for booking, rescheduling and cancelling.

``appointment_operation`` (set from the intent) picks the slots to fill:
book -> kind, time; reschedule -> booking_reference, time; cancel -> booking_reference.
Times are read with actions.timeparse and checked against the shop's grid
(actions.calendar): an exact time that cannot be booked gets the nearest free ones;
a window or a preference ("Friday afternoon", "not before 4") gets the free slots
inside it; an ambiguous or half-understood time is said back as a question, and the
choices wait in ``appointment_time_choices`` for the customer's answer.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import calendar, services
from actions.booking_store import Booking
from actions.scheduling_text import (ask_back_text, booking_line, day_text, reading_payload, time_buttons, when,
                                     windows_text)
from actions.timeparse import (AskBack, ExactTime, Impossible, Reading, TimeContext, TimeWindow, read_when,
                               windows_of)

# Intents that interrupt a form instead of answering it (rules in data/rules handle them).
INTERRUPTIONS = {"stop", "faq", "bot_challenge", "greet", "goodbye", "thank", "out_of_scope", "track_order",
                 "request_human"}
REFERENCE = re.compile(r"\bBK-[A-Z0-9]{6}\b", re.IGNORECASE)
OPERATION_BY_INTENT = {
    "book_appointment": "book",
    "reschedule_appointment": "reschedule",
    "cancel_appointment": "cancel",
}
YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|correct|right|that'?s right|exactly|please do)\b", re.I)
NO = re.compile(r"^\W*(?:no|nope|nah|neither|not really)\b", re.I)
PICK = {"first": 0, "1": 0, "1st": 0, "earlier": 0, "former": 0, "second": 1, "2": 1, "2nd": 1, "later": 1,
        "latter": 1, "last": -1}
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
    span = timedelta(days=15)
    return await _taken_between(kind, moment - span, moment + span)


async def _taken_between(kind: Optional[str], start: datetime, end: datetime) -> List[datetime]:
    if kind is None:
        return []
    return await services.booking_store().ataken(kind, start, end)


def _unfilled() -> Dict[Text, Any]:
    return {"appointment_time": None, "appointment_time_choices": None}


def times_offered_this_turn(tracker: Tracker) -> bool:
    """Whether a message since the customer's last one already listed times as buttons."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and (event.get("data") or {}).get("buttons"):
            return True
    return False


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
        text = tracker.latest_message.get("text") or ""
        choices = tracker.get_slot("appointment_time_choices") or []
        if choices and requested:
            answer = await self._answer_to_question(dispatcher, tracker, choices)
            if answer is not None:
                return answer
        reading = read_when(text, await self._context(tracker))
        if reading is None and interrupted(tracker):
            return {}  # a question in the middle of the form: the rules answer it
        if isinstance(reading, Impossible):
            dispatcher.utter_message(text=f"Hmm, {reading.problem}. Which day and time would suit you?")
            return _unfilled()
        if isinstance(reading, ExactTime):
            return {"appointment_time": reading.at.isoformat(), "appointment_time_choices": None}
        if isinstance(reading, AskBack):
            return self._ask_back(dispatcher, reading)
        if reading is not None:
            await self._offer_windows(dispatcher, tracker, windows_of(reading))
            return _unfilled()
        if requested:
            dispatcher.utter_message(
                text="Sorry, I didn't catch a date and time. You can say things like "
                "'tomorrow at 10am', 'Friday afternoon' or 'the 3rd at 11:30'."
            )
            return _unfilled()
        return {}

    async def _context(self, tracker: Tracker) -> TimeContext:
        """What "now", "same time" and "3/12" mean for this customer."""
        shop, store = services.settings(), services.booking_store()
        reference = tracker.get_slot("booking_reference")
        booking = await store.aget(reference) if reference else await store.alatest(tracker.sender_id)
        booked = booking.start if booking and booking.status == "booked" else None
        return TimeContext(services.now(), shop.day_first, shop.day_parts, shop.max_days_ahead, booked)

    def _ask_back(self, dispatcher: CollectingDispatcher, question: AskBack) -> Dict[Text, Any]:
        shop = services.settings()
        payloads = [reading_payload(c, shop) for c in question.choices]
        if len(payloads) == 1:
            buttons = [{"title": "Yes", "payload": payloads[0]}, {"title": "No, another time", "payload": "/deny"}]
        else:
            buttons = [{"title": p, "payload": p} for p in payloads]
        dispatcher.utter_message(text=ask_back_text(question, shop), buttons=buttons)
        return {"appointment_time": None, "appointment_time_choices": payloads or None}

    async def _answer_to_question(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, choices: List[str]
    ) -> Optional[Dict[Text, Any]]:
        """The reply to "Did you mean ...?": yes, no, or which one; None for anything else."""
        text = (tracker.latest_message.get("text") or "").strip().lower()
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        words = re.findall(r"[a-z0-9]+", text)
        index = next((PICK[w] for w in words if w in PICK), None) if len(words) <= 4 else None
        if text in (c.lower() for c in choices):
            picked: Optional[str] = text
        elif index is not None and -len(choices) <= index < len(choices):
            picked = choices[index]
        elif len(choices) == 1 and (intent == "affirm" or YES.match(text)):
            picked = choices[0]
        elif read_when(text, await self._context(tracker)) is not None:
            return None  # "no, the 4th": a new time, read as any other
        elif intent == "affirm" or YES.match(text):
            ctx = await self._context(tracker)
            readings = tuple(r for r in (read_when(c, ctx) for c in choices) if r)
            dispatcher.utter_message(text="Which one? " + ask_back_text(AskBack("", readings), services.settings()),
                                     buttons=[{"title": c, "payload": c} for c in choices])
            return {"appointment_time": None, "appointment_time_choices": choices}
        elif intent == "deny" or NO.match(text):
            dispatcher.utter_message(text="No problem. Which day and time would suit you?")
            return _unfilled()
        else:
            return None
        reading = read_when(picked, await self._context(tracker))
        if isinstance(reading, ExactTime):
            return {"appointment_time": reading.at.isoformat(), "appointment_time_choices": None}
        await self._offer_windows(dispatcher, tracker, windows_of(reading) if reading else ())
        return _unfilled()

    async def _offer_windows(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                             windows: Sequence[TimeWindow]) -> None:
        """The free slots inside the windows, or the nearest ones when none is free."""
        shop, now = services.settings(), services.now()
        if not windows:
            return
        kind = await self._kind(tracker)
        start, end = min(w.start for w in windows), max(w.end for w in windows)
        taken = await _taken_between(kind, start, end)
        free = calendar.free_in([(w.start, w.end) for w in windows], now, taken, shop)
        whole_day = len(windows) == 1 and windows[0].end - windows[0].start == timedelta(days=1) and (
            windows[0].start.astimezone(shop.timezone).time() == datetime.min.time())
        if free and whole_day:
            text = f"What time on {day_text(windows[0].start.astimezone(shop.timezone).date())}? Free times include:"
        elif free:
            text = f"Here are the free times {windows_text(windows, shop)}; pick one or tell me another time:"
        else:
            free = calendar.alternatives(max(start, now), now, await taken_near(kind, max(start, now)), shop)
            text = f"Sorry, there's nothing free {windows_text(windows, shop)}. The nearest free times are:"
        dispatcher.utter_message(text=text, buttons=time_buttons(free, shop))

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
