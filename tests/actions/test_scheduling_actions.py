from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

from rasa_sdk.executor import CollectingDispatcher

from actions.booking_store import BookingStore
from actions.scheduling import (
    ActionAskAppointmentTime,
    ActionAskConfirmAppointment,
    ActionConfirmAppointment,
    ActionListAppointments,
)
from actions.scheduling_form import ValidateAppointmentForm
from tests.actions.conftest import LONDON
from tests.conftest import make_tracker

SLOT = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)


def slots(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def said(dispatcher: CollectingDispatcher) -> str:
    return " | ".join(m["text"] or "" for m in dispatcher.messages)


async def run_form(domain: Dict[str, Any], text: str, slot_values: Dict[str, Any], intent: str = "inform",
                   sender: str = "customer-1") -> tuple:
    tracker = make_tracker(slots=slot_values, text=text, intent=intent, sender_id=sender,
                           active_loop="appointment_form")
    dispatcher = CollectingDispatcher()
    events = await ValidateAppointmentForm().run(dispatcher, tracker, domain)
    return slots(events), said(dispatcher), dispatcher


async def test_one_message_fills_kind_and_time(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    filled, text, _ = await run_form(
        domain_dict, "can I book a phone callback tomorrow at 10am", {"appointment_operation": "book"},
        intent="book_appointment",
    )
    assert filled["appointment_kind"] == "phone_callback"
    assert datetime.fromisoformat(filled["appointment_time"]) == SLOT
    assert filled["requested_slot"] is None and text == ""


async def test_time_in_the_past_offers_alternatives(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    filled, text, dispatcher = await run_form(
        domain_dict, "yesterday at 3pm",
        {"appointment_operation": "book", "appointment_kind": "store_visit", "requested_slot": "appointment_time"},
    )
    assert filled["appointment_time"] is None and filled["requested_slot"] == "appointment_time"
    assert "already passed" in text
    assert len(dispatcher.messages[-1]["buttons"]) == 3


async def test_closed_day_and_taken_slot(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    base = {"appointment_operation": "book", "appointment_kind": "store_visit", "requested_slot": "appointment_time"}
    filled, text, _ = await run_form(domain_dict, "Sunday at 11am", base)
    assert filled["appointment_time"] is None and "closed" in text
    stores.book("someone-else", "store_visit", SLOT)
    filled, text, dispatcher = await run_form(domain_dict, "tomorrow at 10am", base)
    assert filled["appointment_time"] is None and "already booked" in text
    offered = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert "25 November 2026 at 10:00" not in offered and "25 November 2026 at 10:30" in offered


async def test_impossible_date_and_no_time(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    base = {"appointment_operation": "book", "appointment_kind": "store_visit", "requested_slot": "appointment_time"}
    filled, text, _ = await run_form(domain_dict, "31 February at 10am", base)
    assert filled["appointment_time"] is None and "February doesn't have 31 days" in text
    filled, text, _ = await run_form(domain_dict, "whenever really", base)
    assert filled["appointment_time"] is None and "didn't catch a date and time" in text
    filled, text, dispatcher = await run_form(domain_dict, "Saturday", base)
    assert "What time on Saturday 28 November" in text and dispatcher.messages[-1]["buttons"]


async def test_operation_is_kept_once_the_form_runs(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    base = {"appointment_operation": "reschedule", "requested_slot": "appointment_time", "booking_reference": "BK-AAAAAA"}
    filled, _, _ = await run_form(domain_dict, "book it for next Thursday at 3pm", base, intent="book_appointment")
    assert "appointment_operation" not in filled


async def test_a_time_is_taken_even_when_the_intent_looks_like_a_question(
        stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    base = {"appointment_operation": "book", "appointment_kind": "store_visit", "requested_slot": "appointment_time"}
    filled, _, _ = await run_form(domain_dict, "next Wednesday at 11am", base, intent="out_of_scope")
    assert datetime.fromisoformat(filled["appointment_time"]).hour == 11
    filled, _, _ = await run_form(domain_dict, "what are your opening hours", base, intent="faq")
    assert "appointment_time" not in filled


async def test_stop_is_left_to_the_rules(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    base = {"appointment_operation": "book", "appointment_kind": "store_visit", "requested_slot": "appointment_time"}
    filled, text, _ = await run_form(domain_dict, "never mind", base, intent="stop")
    assert "appointment_time" not in filled and text == ""


async def test_confirm_books_and_lists(stores: BookingStore) -> None:
    booking_slots = {"appointment_operation": "book", "appointment_kind": "store_visit",
                     "appointment_time": SLOT.isoformat()}
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmAppointment().run(dispatcher, make_tracker(slots=booking_slots), {})
    assert "Shall I book an in-store service visit on Wednesday 25 November at 10:00?" in said(dispatcher)
    dispatcher = CollectingDispatcher()
    events = await ActionConfirmAppointment().run(dispatcher, make_tracker(slots=booking_slots), {})
    assert "Your booking reference is BK-" in said(dispatcher)
    assert all(v is None for v in slots(events).values())
    dispatcher = CollectingDispatcher()
    await ActionListAppointments().run(dispatcher, make_tracker(), {})
    assert "in-store service visit on Wednesday 25 November at 10:00" in said(dispatcher)


async def test_confirm_when_someone_else_was_faster(stores: BookingStore) -> None:
    stores.book("someone-else", "store_visit", SLOT)
    booking_slots = {"appointment_operation": "book", "appointment_kind": "store_visit",
                     "appointment_time": SLOT.isoformat()}
    dispatcher = CollectingDispatcher()
    events = await ActionConfirmAppointment().run(dispatcher, make_tracker(slots=booking_slots), {})
    assert "someone has just taken that slot" in said(dispatcher)
    assert slots(events) == {"appointment_time": None}
    assert {"event": "followup", "name": "appointment_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


async def test_reschedule_and_cancel_the_only_booking(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    booking = stores.book("customer-1", "phone_callback", SLOT)
    filled, _, _ = await run_form(domain_dict, "move my callback", {}, intent="reschedule_appointment")
    assert filled["appointment_operation"] == "reschedule"
    assert filled["booking_reference"] == booking.reference and filled["requested_slot"] == "appointment_time"
    moved = {"appointment_operation": "reschedule", "booking_reference": booking.reference,
             "appointment_time": SLOT.replace(hour=14).isoformat()}
    dispatcher = CollectingDispatcher()
    await ActionConfirmAppointment().run(dispatcher, make_tracker(slots=moved), {})
    assert f"{booking.reference} is now on Wednesday 25 November at 14:00" in said(dispatcher)
    dispatcher = CollectingDispatcher()
    cancel = {"appointment_operation": "cancel", "booking_reference": booking.reference}
    await ActionConfirmAppointment().run(dispatcher, make_tracker(slots=cancel), {})
    assert f"{booking.reference} is cancelled" in said(dispatcher)
    assert stores.upcoming("customer-1", SLOT.replace(hour=0)) == []


async def test_someone_elses_reference_is_refused(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    other = stores.book("customer-2", "phone_callback", SLOT)
    stores.book("customer-1", "store_visit", SLOT.replace(hour=11))
    stores.book("customer-1", "store_visit", SLOT.replace(hour=12))
    tracker_slots = {"appointment_operation": "cancel", "booking_reference": other.reference,
                     "requested_slot": "booking_reference"}
    tracker = make_tracker(slots=tracker_slots, text=other.reference, active_loop="appointment_form")
    tracker.events = [{"event": "slot", "name": "booking_reference", "value": other.reference}]
    dispatcher = CollectingDispatcher()
    events = await ValidateAppointmentForm().run(dispatcher, tracker, domain_dict)
    assert slots(events)["booking_reference"] is None
    assert "can't find that booking" in said(dispatcher) and other.reference not in said(dispatcher)


async def test_nothing_to_cancel(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    filled, _, _ = await run_form(domain_dict, "cancel my appointment", {"appointment_operation": "cancel"},
                                  intent="cancel_appointment")
    assert filled["requested_slot"] is None
    dispatcher = CollectingDispatcher()
    await ActionAskConfirmAppointment().run(dispatcher, make_tracker(slots={"appointment_operation": "cancel"}), {})
    assert "no upcoming appointments" in said(dispatcher)


async def test_ask_time_suggests_the_soonest_free_slots(stores: BookingStore) -> None:
    dispatcher = CollectingDispatcher()
    await ActionAskAppointmentTime().run(dispatcher, make_tracker(slots={"appointment_kind": "store_visit"}), {})
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["payload"] for b in buttons][0] == "24 November 2026 at 15:30"
