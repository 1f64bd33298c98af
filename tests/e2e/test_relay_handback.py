"""A hand-back that a fault cut short is finished on the retry, and the customer gets the
closing prompt (the bot's "anything else?" and the rating question) exactly once: with
the real servers, the action server killed or frozen while Rasa runs the hand-back, the
agent closing again as the console does after a 504."""
from __future__ import annotations

import signal
import threading
from typing import List

import requests

from tests.e2e.test_relay_faults import accepted, api, eventually, relay  # noqa: F401  (the servers)
from tests.servers import Servers

PROMPT = "Is there anything else I can help you with?"


def prompts(servers: Servers, sender: str) -> int:
    return sum(1 for e in servers.tracker(sender)["events"] if e["event"] == "bot" and e.get("text") == PROMPT)


def hand_back(servers: Servers, session_id: str) -> requests.Response:
    return api(servers, "POST", f"/api/sessions/{session_id}/close", {"return_to_bot": True})


def until_returned(servers: Servers, session_id: str) -> bool:
    """As the console: the agent closes again until the session is returned."""
    def again() -> bool:
        answer = hand_back(servers, session_id)
        return answer.status_code == 200 and answer.json()["session"]["status"] == "returned"
    return bool(eventually(again, within=60, every=1.0))


def test_a_hand_back_whose_prompt_failed_gives_it_on_the_retry(relay: Servers) -> None:  # noqa: F811
    sender, session_id = accepted(relay)
    actions = relay.process("actions")
    # Rasa resumes the conversation, cannot run the hand-back action, and answers as if it had run
    # it: the service sees no closing prompt in the tracker and tells the agent it is not done.
    actions.signal(signal.SIGKILL)
    try:
        first = hand_back(relay, session_id)
        assert first.status_code in (502, 504), first.text
        assert not relay.tracker(sender)["paused"] and prompts(relay, sender) == 0
    finally:
        actions.respawn()
    again = hand_back(relay, session_id)  # the agent closes again: this time the hand-back is finished
    assert again.status_code == 200 and again.json()["session"]["status"] == "returned", again.text
    assert prompts(relay, sender) == 1
    assert not relay.tracker(sender)["paused"]


def test_a_hand_back_retried_after_a_timeout_prompts_once(relay: Servers) -> None:  # noqa: F811
    sender, session_id = accepted(relay)
    actions = relay.process("actions")
    # The hand-back action hangs past the service's timeout: the conversation is resumed, and Rasa
    # drops the action's run when the service stops waiting; the retry finds no prompt given.
    actions.signal(signal.SIGSTOP)
    answers: List[requests.Response] = []
    try:
        closing = threading.Thread(target=lambda: answers.append(hand_back(relay, session_id)))
        closing.start()
        closing.join(timeout=30)
        assert answers and answers[0].status_code == 504, answers
        retry = threading.Thread(target=lambda: answers.append(hand_back(relay, session_id)))
        retry.start()
    finally:
        actions.signal(signal.SIGCONT)
    retry.join(timeout=60)
    assert until_returned(relay, session_id)
    assert prompts(relay, sender) == 1
