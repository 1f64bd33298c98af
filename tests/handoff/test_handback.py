"""Where a hand-back stands, from the tracker's events: the closing prompt is due once per
handoff, and a hand-back cut short after the resume is recognised."""
from __future__ import annotations

from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionBackFromAgent
from handoff.relay.handback import half_handed_back, prompt_due
from tests.conftest import make_tracker

PAUSE, RESUME = {"event": "pause"}, {"event": "resume"}
PROMPT = {"event": "slot", "name": "rating_requested", "value": True}  # the hand-back action asked
FAILED = {"event": "action", "name": "action_back_from_agent"}  # Rasa's log of it when the action server was down
USER = {"event": "user", "text": "hi"}


def test_the_prompt_is_due_once_after_each_pause() -> None:
    assert prompt_due([USER, PAUSE, USER, RESUME])
    assert prompt_due([USER, PAUSE, USER, RESUME, FAILED])
    assert not prompt_due([PAUSE, RESUME, PROMPT])
    assert not prompt_due([PAUSE, RESUME, PROMPT, USER])
    assert prompt_due([PAUSE, RESUME, PROMPT, USER, PAUSE, RESUME])  # a second handoff


def test_a_hand_back_cut_short_after_the_resume_is_half_done() -> None:
    assert half_handed_back([USER, PAUSE, USER, RESUME])
    assert half_handed_back([USER, PAUSE, USER, RESUME, FAILED])
    assert not half_handed_back([USER, PAUSE, USER])  # still paused: not begun
    assert not half_handed_back([PAUSE, RESUME, PROMPT])  # done
    assert not half_handed_back([USER])  # never paused


async def test_the_hand_back_action_asks_once_per_handoff() -> None:
    first, again = CollectingDispatcher(), CollectingDispatcher()
    assert await ActionBackFromAgent().run(first, make_tracker(events=[USER, PAUSE, RESUME]), {})
    assert len(first.messages) == 2
    asked = [USER, PAUSE, RESUME, FAILED, PROMPT]
    assert await ActionBackFromAgent().run(again, make_tracker(events=asked), {}) == []
    assert again.messages == []
