"""The handoff policy in a trained model, end to end over REST: the tracker shows the
evidence (slot handoff_reasons) and the pause event."""
from __future__ import annotations

import uuid
from typing import List

import pytest

from tests.servers import Servers

pytestmark = pytest.mark.e2e


def new_sender(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def text_of(messages: List[dict]) -> str:
    return " ".join(m.get("text", "") for m in messages)


def reasons(servers: Servers, sender: str) -> List[dict]:
    return servers.tracker(sender)["slots"]["handoff_reasons"] or []


def paused(servers: Servers, sender: str) -> bool:
    kinds = [e["event"] for e in servers.tracker(sender)["events"] if e["event"] in ("pause", "resume")]
    return bool(kinds) and kinds[-1] == "pause"


def test_angry_customer_is_offered_a_person_then_transferred(servers: Servers) -> None:
    sender = new_sender("angry")
    servers.say(sender, "where is my order 10003?")
    assert "delayed" in text_of(servers.say(sender, "bob@example.com"))
    reply = text_of(servers.say(sender, "This is ridiculous!! Third time I ask and I'm STILL waiting. Useless."))
    assert "Would you like me to connect you with a person?" in reply
    evidence = reasons(servers, sender)
    assert evidence[0]["trigger"] == "sentiment" and evidence[0]["mode"] == "offer" and evidence[0]["turn"] == 3
    assert evidence[0]["value"] <= evidence[0]["threshold"]
    assert "customer care team" in text_of(servers.say(sender, "yes"))
    assert paused(servers, sender) and reasons(servers, sender)[0]["mode"] == "transfer"
    assert servers.say(sender, "hello? anyone?") == []  # a person answers now, not the bot
    users = [e["text"] for e in servers.tracker(sender)["events"] if e["event"] == "user"]
    assert users[-1] == "hello? anyone?"


def test_looping_customer_is_transferred(servers: Servers) -> None:
    sender = new_sender("loop")
    assert "only chat in English" in text_of(servers.say(sender, "Где мой заказ?"))
    reply = text_of(servers.say(sender, "Вы меня понимаете? Мне нужна помощь"))
    assert "passing you to" in reply
    evidence = reasons(servers, sender)
    assert evidence[0]["trigger"] == "loop" and evidence[0]["turn"] == 2 and paused(servers, sender)


def test_legal_threat_goes_to_the_legal_queue(servers: Servers) -> None:
    sender = new_sender("legal")
    reply = text_of(servers.say(sender, "My order never came and I'm going to take legal action against you"))
    assert "customer relations team" in reply and paused(servers, sender)
    evidence = reasons(servers, sender)
    assert evidence[0]["reason"] == "gray_area:legal_threat"
    assert (evidence[0]["skill"], evidence[0]["priority"]) == ("legal", "urgent")


def test_explicit_request(servers: Servers) -> None:
    sender = new_sender("explicit")
    assert "passing you to" in text_of(servers.say(sender, "I want to talk to a real person"))
    assert reasons(servers, sender)[0]["trigger"] == "explicit" and paused(servers, sender)


def test_declined_offer_is_not_repeated(servers: Servers) -> None:
    sender = new_sender("decline")
    assert "connect you with a person" in text_of(servers.say(sender, "this is useless and ridiculous!!"))
    assert "let's carry on" in text_of(servers.say(sender, "no"))
    reply = text_of(servers.say(sender, "how long does shipping take, it's ridiculous"))
    assert "connect you with a person" not in reply and not paused(servers, sender)


def test_routine_conversation_never_hands_off(servers: Servers) -> None:
    sender = new_sender("routine")
    for message in ["hi", "am I talking to a real person?", "how long does shipping take?",
                    "where is my order 10001", "alice@example.com", "hmm, it's a bit late but ok",
                    "book a phone callback next Wednesday at 10am", "yes", "thanks", "bye"]:
        servers.say(sender, message)
    assert reasons(servers, sender) == [] and not paused(servers, sender)
