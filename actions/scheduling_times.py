"""The customer's answer to "When would suit you?", as the appointment form reads it.

An exact time is handed to the form's validation (grid, opening hours, free or not);
a window or a preference ("Friday afternoon", "not before 4") gets the free slots
inside it; an ambiguous or half-understood time is said back as a question whose
choices wait in ``appointment_time_choices`` for "yes", "the second one", a button or
a new time.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional, Sequence, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import calendar, services
from actions.scheduling_text import ask_back_text, day_text, reading_payload, time_buttons, windows_text
from actions.timeparse import AskBack, ExactTime, Impossible, TimeContext, TimeWindow, read_when, windows_of

YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|ok(?:ay)?|correct|right|that'?s right|exactly|please do)\b", re.I)
NO = re.compile(r"^\W*(?:no|nope|nah|neither|not really)\b", re.I)
PICK = {"first": 0, "1": 0, "1st": 0, "earlier": 0, "former": 0, "second": 1, "2": 1, "2nd": 1, "later": 1,
        "latter": 1, "last": -1}
Slots = Dict[Text, Any]


def unfilled() -> Slots:
    return {"appointment_time": None, "appointment_time_choices": None}


async def appointment_kind(tracker: Tracker) -> Optional[str]:
    """The kind being booked, or the kind of the booking being moved."""
    kind = tracker.get_slot("appointment_kind")
    reference = tracker.get_slot("booking_reference")
    if kind is None and reference:
        booking = await services.booking_store().aget(reference)
        kind = booking.kind if booking else None
    return kind


async def taken_near(kind: Optional[str], moment: datetime) -> List[datetime]:
    span = timedelta(days=15)
    return await taken_between(kind, moment - span, moment + span)


async def taken_between(kind: Optional[str], start: datetime, end: datetime) -> List[datetime]:
    if kind is None:
        return []
    return await services.booking_store().ataken(kind, start, end)


def times_offered_this_turn(tracker: Tracker) -> bool:
    """Whether a message since the customer's last one already listed times as buttons."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and (event.get("data") or {}).get("buttons"):
            return True
    return False


async def time_context(tracker: Tracker) -> TimeContext:
    """What "now", "same time" and "3/12" mean for this customer."""
    shop, store = services.settings(), services.booking_store()
    reference = tracker.get_slot("booking_reference")
    booking = await store.aget(reference) if reference else await store.alatest(tracker.sender_id)
    booked = booking.start if booking and booking.status == "booked" else None
    return TimeContext(services.now(), shop.day_first, shop.day_parts, shop.max_days_ahead, booked)


async def read_time_reply(dispatcher: CollectingDispatcher, tracker: Tracker, interrupted: bool) -> Slots:
    """Slots from the customer's latest message, or {} when it says nothing about time."""
    requested = tracker.get_slot("requested_slot") == "appointment_time"
    choices = tracker.get_slot("appointment_time_choices") or []
    if choices and requested:
        answer = await answer_to_question(dispatcher, tracker, choices)
        if answer is not None:
            return answer
    reading = read_when(tracker.latest_message.get("text") or "", await time_context(tracker))
    if reading is None and interrupted:
        return {}  # a question in the middle of the form: the rules answer it
    if isinstance(reading, Impossible):
        dispatcher.utter_message(text=f"Hmm, {reading.problem}. Which day and time would suit you?")
        return unfilled()
    if isinstance(reading, ExactTime):
        return {"appointment_time": reading.at.isoformat(), "appointment_time_choices": None}
    if isinstance(reading, AskBack):
        return ask_back(dispatcher, reading)
    if reading is not None:
        await offer_windows(dispatcher, tracker, windows_of(reading))
        return unfilled()
    if requested:
        dispatcher.utter_message(
            text="Sorry, I didn't catch a date and time. You can say things like "
            "'tomorrow at 10am', 'Friday afternoon' or 'the 3rd at 11:30'."
        )
        return unfilled()
    return {}


def ask_back(dispatcher: CollectingDispatcher, question: AskBack) -> Slots:
    shop = services.settings()
    payloads = [reading_payload(c, shop) for c in question.choices]
    if len(payloads) == 1:
        buttons = [{"title": "Yes", "payload": payloads[0]}, {"title": "No, another time", "payload": "/deny"}]
    else:
        buttons = [{"title": p, "payload": p} for p in payloads]
    dispatcher.utter_message(text=ask_back_text(question, shop), buttons=buttons)
    return {"appointment_time": None, "appointment_time_choices": payloads or None}


async def answer_to_question(dispatcher: CollectingDispatcher, tracker: Tracker, choices: List[str]) -> Optional[Slots]:
    """The reply to "Did you mean ...?": yes, no, or which one; None for anything else."""
    text = (tracker.latest_message.get("text") or "").strip().lower()
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    words = re.findall(r"[a-z0-9]+", text)
    index = next((PICK[w] for w in words if w in PICK), None) if len(words) <= 4 else None
    ctx = await time_context(tracker)
    if text in (c.lower() for c in choices):
        picked = text
    elif index is not None and -len(choices) <= index < len(choices):
        picked = choices[index]
    elif len(choices) == 1 and (intent == "affirm" or YES.match(text)):
        picked = choices[0]
    elif read_when(text, ctx) is not None:
        return None  # "no, the 4th": a new time, read as any other
    elif intent == "affirm" or YES.match(text):
        readings = tuple(r for r in (read_when(c, ctx) for c in choices) if r)
        dispatcher.utter_message(text="Which one? " + ask_back_text(AskBack("", readings), services.settings()),
                                 buttons=[{"title": c, "payload": c} for c in choices])
        return {"appointment_time": None, "appointment_time_choices": choices}
    elif intent == "deny" or NO.match(text):
        dispatcher.utter_message(text="No problem. Which day and time would suit you?")
        return unfilled()
    else:
        return None
    reading = read_when(picked, ctx)
    if isinstance(reading, ExactTime):
        return {"appointment_time": reading.at.isoformat(), "appointment_time_choices": None}
    await offer_windows(dispatcher, tracker, windows_of(reading) if reading else ())
    return unfilled()


async def offer_windows(dispatcher: CollectingDispatcher, tracker: Tracker, windows: Sequence[TimeWindow]) -> None:
    """The free slots inside the windows, or the nearest ones when none is free: one list."""
    shop, now = services.settings(), services.now()
    if not windows:
        return
    kind = await appointment_kind(tracker)
    start, end = min(w.start for w in windows), max(w.end for w in windows)
    free = calendar.free_in([(w.start, w.end) for w in windows], now, await taken_between(kind, start, end), shop)
    first = windows[0].start.astimezone(shop.timezone)
    whole_day = len(windows) == 1 and windows[0].end - windows[0].start == timedelta(days=1) and (
        first.time() == datetime.min.time())
    if free and whole_day:
        text = f"What time on {day_text(first.date())}? Free times include:"
    elif free:
        text = f"Here are the free times {windows_text(windows, shop)}; pick one or tell me another time:"
    else:
        nearest = max(start, now)
        free = calendar.alternatives(nearest, now, await taken_near(kind, nearest), shop)
        text = f"Sorry, there's nothing free {windows_text(windows, shop)}. The nearest free times are:"
    dispatcher.utter_message(text=text, buttons=time_buttons(free, shop))
