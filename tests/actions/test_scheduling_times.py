"""The appointment form with the time-expression layer: ask-back on ambiguity, windows
become free slots, the slot is checked before the confirmation question, one list."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List

from rasa_sdk.executor import CollectingDispatcher

from actions.booking_store import BookingStore
from actions.scheduling import ActionAskAppointmentTime, ActionAskConfirmAppointment, ActionConfirmAppointment
from tests.actions.conftest import LONDON
from tests.actions.test_scheduling_actions import run_form, said, slots
from tests.conftest import make_tracker

ASKING = {"appointment_operation": "book", "appointment_kind": "store_visit", "requested_slot": "appointment_time"}


def offered(dispatcher: CollectingDispatcher) -> List[datetime]:
    buttons = [b for m in dispatcher.messages for b in (m.get("buttons") or [])]
    return [datetime.strptime(b["payload"], "%d %B %Y at %H:%M").replace(tzinfo=LONDON) for b in buttons]


async def test_ambiguous_day_is_asked_back_and_the_answer_taken(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    filled, text, dispatcher = await run_form(domain_dict, "next Friday at 10", ASKING)
    assert text == "Did you mean Friday 27 November at 10:00 or Friday 4 December at 10:00?"
    assert filled["appointment_time"] is None
    assert filled["appointment_time_choices"] == ["27 November 2026 at 10:00", "4 December 2026 at 10:00"]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == filled["appointment_time_choices"]
    answer, text, _ = await run_form(domain_dict, "the second one",
                                     {**ASKING, "appointment_time_choices": filled["appointment_time_choices"]})
    assert datetime.fromisoformat(answer["appointment_time"]) == datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)
    assert answer["appointment_time_choices"] is None and text == ""


async def test_a_clash_says_what_was_understood(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    _, text, _ = await run_form(domain_dict, "Thursday 2nd December at 10am", ASKING)
    assert text.startswith("2 December is a Wednesday. Did you mean Wednesday 2 December at 10:00 or "
                           "Thursday 26 November at 10:00?")


async def test_one_guess_is_confirmed_with_yes_or_refused(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    filled, text, dispatcher = await run_form(domain_dict, "Friday 3", ASKING)  # 3 what? read as 15:00, asked
    assert text == "Did you mean Friday 27 November at 15:00?"
    pending = {**ASKING, "appointment_time_choices": filled["appointment_time_choices"]}
    yes, _, _ = await run_form(domain_dict, "yes", pending, intent="affirm")
    assert datetime.fromisoformat(yes["appointment_time"]) == datetime(2026, 11, 27, 15, 0, tzinfo=LONDON)
    no, text, _ = await run_form(domain_dict, "no", pending, intent="deny")
    assert no["appointment_time"] is None and no["appointment_time_choices"] is None
    assert "Which day and time would suit you?" in text


async def test_same_time_next_week_follows_the_last_booking(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    _, text, _ = await run_form(domain_dict, "same time next week", ASKING)
    assert "earlier booking" in text
    stores.book("customer-1", "store_visit", datetime(2026, 11, 26, 11, 0, tzinfo=LONDON))
    filled, _, _ = await run_form(domain_dict, "same time next week", ASKING)
    assert datetime.fromisoformat(filled["appointment_time"]) == datetime(2026, 12, 3, 11, 0, tzinfo=LONDON)


async def test_a_range_becomes_the_free_slots_inside_it(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    stores.book("someone-else", "store_visit", datetime(2026, 11, 25, 12, 0, tzinfo=LONDON))
    filled, text, dispatcher = await run_form(domain_dict, "any time Tuesday or Wednesday afternoon", ASKING)
    assert filled["appointment_time"] is None
    assert "free times on Wednesday 25 November or Tuesday 1 December between 12:00 and 17:00" in text
    times = offered(dispatcher)
    assert len(times) == 3 and {t.day for t in times} == {25, 1}
    assert all(12 <= t.hour < 17 for t in times) and datetime(2026, 11, 25, 12, 0, tzinfo=LONDON) not in times


async def test_a_bound_is_respected(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    _, _, dispatcher = await run_form(domain_dict, "not before 4", ASKING)
    times = offered(dispatcher)
    assert times and all(t.hour >= 16 for t in times)
    assert times[0] == datetime(2026, 11, 24, 16, 0, tzinfo=LONDON)


async def test_a_window_with_nothing_free_offers_the_nearest(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    _, text, dispatcher = await run_form(domain_dict, "Saturday evening", ASKING)  # Saturdays close at 16:00
    assert "nothing free on Saturday 28 November between 17:00 and 21:00" in text
    assert len(offered(dispatcher)) == 3


async def test_a_held_time_is_checked_again_when_the_kind_is_known(
        stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    moment = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
    stores.book("someone-else", "store_visit", moment)
    held = {"appointment_operation": "book", "appointment_time": moment.isoformat(),
            "requested_slot": "appointment_kind"}
    filled, text, _ = await run_form(domain_dict, "a store visit please", held)
    assert filled["appointment_kind"] == "store_visit" and filled["appointment_time"] is None
    assert "already booked" in text


async def test_availability_is_checked_before_the_confirmation_question(stores: BookingStore) -> None:
    moment = datetime(2026, 11, 25, 11, 0, tzinfo=LONDON)
    held = {"appointment_operation": "book", "appointment_kind": "store_visit", "appointment_time": moment.isoformat()}
    stores.book("someone-else", "store_visit", moment)  # taken between the answer and the question
    dispatcher = CollectingDispatcher()
    events = await ActionAskConfirmAppointment().run(dispatcher, make_tracker(slots=held), {})
    assert "Shall I book" not in said(dispatcher) and "isn't possible any more" in said(dispatcher)
    assert moment not in offered(dispatcher) and len(offered(dispatcher)) == 3
    assert slots(events) == {"appointment_time": None}
    assert any(e["event"] == "followup" and e["name"] == "appointment_form" for e in events)
    # The form then asks for a time again: the list above stays the only one.
    after = make_tracker(slots={**held, "appointment_time": None}, events=[
        {"event": "user", "text": "a store visit"},
        {"event": "bot", "text": said(dispatcher), "data": {"buttons": dispatcher.messages[0]["buttons"]}},
    ])
    again = CollectingDispatcher()
    await ActionAskAppointmentTime().run(again, after, {})
    assert again.messages == []


async def test_a_slot_lost_at_yes_gets_one_list(stores: BookingStore) -> None:
    moment = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)
    stores.book("someone-else", "store_visit", moment)
    held = {"appointment_operation": "book", "appointment_kind": "store_visit", "appointment_time": moment.isoformat()}
    dispatcher = CollectingDispatcher()
    await ActionConfirmAppointment().run(dispatcher, make_tracker(slots=held), {})
    events = [{"event": "user", "text": "yes"},
              {"event": "bot", "text": said(dispatcher), "data": {"buttons": dispatcher.messages[0]["buttons"]}}]
    again = CollectingDispatcher()
    await ActionAskAppointmentTime().run(again, make_tracker(slots={**held, "appointment_time": None}, events=events), {})
    assert again.messages == []
    fresh = CollectingDispatcher()
    await ActionAskAppointmentTime().run(fresh, make_tracker(slots=held, events=events[:1]), {})
    assert len(fresh.messages) == 1 and fresh.messages[0]["buttons"]


async def test_other_answers_to_a_question(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    choices = ["27 November 2026 at 10:00", "4 December 2026 at 10:00"]
    pending = {**ASKING, "appointment_time_choices": choices}
    filled, text, _ = await run_form(domain_dict, "yes", pending, intent="affirm")
    assert text.startswith("Which one? Did you mean Friday 27 November at 10:00 or Friday 4 December at 10:00?")
    assert filled["appointment_time"] is None
    filled, _, _ = await run_form(domain_dict, "no, Monday at 11am", pending, intent="deny")
    assert datetime.fromisoformat(filled["appointment_time"]) == datetime(2026, 11, 30, 11, 0, tzinfo=LONDON)
    filled, _, _ = await run_form(domain_dict, "4 December 2026 at 10:00", pending)  # the button
    assert datetime.fromisoformat(filled["appointment_time"]) == datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)


async def test_two_times_are_both_offered(stores: BookingStore, domain_dict: Dict[str, Any]) -> None:
    filled, text, dispatcher = await run_form(domain_dict, "Friday at 10 or 11am", ASKING)
    assert filled["appointment_time"] is None
    assert "free times on Friday 27 November at 10:00 or 11:00" in text
    assert offered(dispatcher) == [datetime(2026, 11, 27, h, 0, tzinfo=LONDON) for h in (10, 11)]
