"""Load rules: the desk's state from who is present and who waits; busy takes low
priorities out of the queue and leaves urgent ones; idle offers a person earlier."""
from __future__ import annotations

import pytest

from dataclasses import replace

from handoff.config import HandoffConfig
from handoff.control.load_rules import (BUSY, CLOSED, IDLE, IDLE_RULE, NORMAL, decide_under_load, desk_load,
                                        instead_of_queue)
from handoff.control.settings import LoadRules
from handoff.conversation import build_view
from handoff.errors import ConfigError
from tests.handoff.events import action, user

RULES = LoadRules(enabled=True)  # busy above 300 s or no free place; idle with 2 free places


def enabled_config() -> HandoffConfig:
    """handoff.yml with its load rules switched on (they are opt-in)."""
    config = HandoffConfig.load()
    return replace(config, desk=replace(config.desk, load=RULES))


def test_the_desks_state() -> None:
    assert desk_load(False, [], 0, 120, RULES).state == CLOSED
    assert desk_load(True, [(3, 3), (2, 2)], 0, 120, RULES).state == BUSY            # nobody has a free place
    long_wait = desk_load(True, [(3, 2)], 3, 120, RULES)                              # 1 place, 3 waiting
    assert (long_wait.state, long_wait.estimated_wait_seconds) == (BUSY, 360) and "minutes" in long_wait.why
    assert desk_load(True, [(3, 1)], 0, 120, RULES).state == IDLE                     # 2 free, nobody waits
    assert desk_load(True, [(3, 2)], 0, 120, RULES).state == NORMAL


def test_busy_turns_low_priorities_into_a_callback_and_keeps_urgent_ones() -> None:
    busy = desk_load(True, [(1, 1)], 0, 120, RULES)
    assert instead_of_queue("normal", busy, RULES) == "callback"
    assert instead_of_queue("urgent", busy, RULES) is None and instead_of_queue("high", busy, RULES) is None
    assert instead_of_queue("normal", desk_load(True, [(3, 0)], 0, 120, RULES), RULES) is None
    off = LoadRules(enabled=False)
    assert instead_of_queue("normal", busy, off) is None


def test_idle_agents_make_the_sentiment_offer_come_earlier() -> None:
    config = enabled_config()
    assert decide_under_load(build_view([action("action_listen"), user("quite annoying", "track_order",
                                                                     sentiment=-0.65)]),
                             HandoffConfig.load(), desk_load(True, [(3, 0)], 0, 120, RULES)) is None  # opt-in
    annoyed = build_view([action("action_listen"), user("this is quite annoying", "track_order", sentiment=-0.65)])
    assert decide_under_load(annoyed, config, None) is None
    assert decide_under_load(annoyed, config, desk_load(True, [(3, 2)], 0, 120, RULES)) is None  # normal
    earlier = decide_under_load(annoyed, config, desk_load(True, [(3, 0)], 0, 120, RULES))
    assert earlier is not None and earlier.evidence[0].trigger == "sentiment" and earlier.evidence[0].rule == IDLE_RULE


def test_the_load_section_is_validated() -> None:
    config = HandoffConfig.from_dict({"load": {"enabled": True, "busy": {"max_wait_seconds": 60,
                                                                          "applies_to": ["low"], "instead": "message"}}})
    assert config.desk.load.busy.instead == "message" and config.desk.load.busy.applies_to == ("low",)
    assert config.desk.load.enabled and not HandoffConfig.from_dict({}).desk.load.enabled
    with pytest.raises(ConfigError, match="load.busy.applies_to"):
        HandoffConfig.from_dict({"load": {"busy": {"applies_to": ["soon"]}}})
    with pytest.raises(ConfigError, match="load.busy.instead"):
        HandoffConfig.from_dict({"load": {"busy": {"instead": "email"}}})
    with pytest.raises(ConfigError, match="load.idle.strong_negative"):
        HandoffConfig.from_dict({"load": {"idle": {"strong_negative": 0.5}}})


def test_replay_counts_what_each_load_rule_would_have_done() -> None:
    from handoff.replay import replay

    config = enabled_config()
    conversations = [
        {"sender_id": "asks", "events": [action("action_listen"), user("can I talk to a human", "request_human")]},
        {"sender_id": "legal", "events": [action("action_listen"),
                                          user("I will take legal action, see you in court", "inform")]},
        {"sender_id": "annoyed", "events": [action("action_listen"),
                                            user("this is quite annoying", "track_order", sentiment=-0.65)]},
    ]
    busy = replay(conversations, config, desk_load(True, [(1, 1)], 0, 120, RULES))
    assert [(r.conversation_id, r.rule, r.instead) for r in busy.results] == [
        ("asks", "load.busy", "callback"), ("legal", None, None), ("annoyed", None, None)]
    assert busy.totals()["load_rules"] == {"load.busy": 1}
    idle = replay(conversations, config, desk_load(True, [(3, 0)], 0, 120, RULES))
    assert idle.totals()["load_rules"] == {IDLE_RULE: 1} and idle.results[2].decision.mode == "offer"
    assert replay(conversations, config).totals()["load_rules"] == {}
