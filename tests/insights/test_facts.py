"""Facts of single conversations and of the scripted day, against hand counts."""
from __future__ import annotations

from handoff.insights.facts import conversations
from tests.insights.scripted import DAY, EXPECTED, KILL, bot, day, timed, user, action, slot


def facts_of(name: str):
    (found,) = conversations(name, day()[name], {"track_order": "orders", "book_appointment": "scheduling"})
    return found


def test_a_faq_answered_and_thanked_is_resolved_by_the_bot() -> None:
    f = facts_of("faq")
    assert (f.user_turns, f.faq_asked, f.faq_answered, f.resolved_by_bot, f.abandoned_in_bot) == (2, 1, 1, 1, 0)
    assert f.latency_count == 2 and round(f.latency_sum, 3) == 0.9 and f.latency_over_2s == 0
    assert f.hour_of_week == 9  # Monday 09:00 UTC


def test_tasks_are_completed_per_skill() -> None:
    order, booking = facts_of("order"), facts_of("booking")
    assert (order.skill, order.order_lookups, order.orders_found, order.resolved_by_bot) == ("orders", 1, 1, 1)
    assert (booking.skill, booking.bookings_made, booking.latency_over_5s) == ("scheduling", 1, 1)


def test_a_handoff_keeps_its_trigger_and_is_neither_resolved_nor_abandoned_in_the_bot() -> None:
    f = facts_of("loop")
    assert (f.handed_off, f.handoff_trigger, f.handoff_reason, f.fallbacks, f.negative_turns) == (1, "loop", "loop", 2, 1)
    assert (f.resolved_by_bot, f.abandoned_in_bot) == (0, 0)


def test_out_of_coverage_and_re_asked_questions_are_not_resolved() -> None:
    outside, again = facts_of("outside"), facts_of("reasked")
    assert (outside.out_of_coverage, outside.abandoned_in_bot) == (1, 1)
    assert (again.faq_asked, again.faq_answered, again.abandoned_in_bot) == (2, 0, 1)


def test_a_rating_without_a_person_is_the_bots() -> None:
    assert facts_of("rated").bot_rating == 4
    assert facts_of("loop").bot_rating is None


def test_sessions_of_one_sender_are_separate_conversations_and_empty_ones_are_skipped() -> None:
    events = day()["faq"] + timed(DAY + 7200, [(0, user("hi", "greet")), (1, bot("Hello"))]) + \
        [{"event": "session_started", "timestamp": DAY + 9000}]
    found = conversations("same", events)
    assert [f.user_turns for f in found] == [2, 1] and found[0].key != found[1].key


def test_a_kill_switch_handoff_is_counted_with_its_trigger_and_skill() -> None:
    events = timed(DAY, [(0, user("where is my order", "track_order")), (0.1, slot("handoff_reasons", KILL)),
                         (0.2, action("action_handoff")), (0.5, bot("A person will help"))])
    (f,) = conversations("k", events, {"track_order": "orders"})
    assert (f.handoff_trigger, f.skill, f.handed_off) == ("kill_switch", "orders", 1)


def test_the_day_adds_up_to_the_hand_counts() -> None:
    found = [f for name, events in day().items()
             for f in conversations(name, events, {"track_order": "orders", "book_appointment": "scheduling"})]
    assert len(found) == EXPECTED["conversations"]
    assert sum(f.user_turns for f in found) == EXPECTED["customer_messages"]
    assert sum(f.resolved_by_bot for f in found) == EXPECTED["resolved_by_bot"]
    assert sum(f.faq_answered for f in found) == EXPECTED["faq_answered"]
    assert round(sum(f.latency_sum for f in found), 3) == round(EXPECTED["latency_sum"], 3)
