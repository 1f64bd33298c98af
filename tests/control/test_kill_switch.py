"""The kill switch: kept in the database, each change audited; the automatic rule over a
rolling window; the Rasa side sends a switched-off skill's new questions to a person."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, List

import pytest

from handoff.config import HandoffConfig
from handoff.control.auto_switch import breaches, check_once
from handoff.control.kill_switch import AUTO, KillSwitch, applies
from handoff.control.settings import AutoSwitch
from handoff.control.switch_rule import switched_off
from handoff.conversation import build_view
from handoff.engine import TRANSFER_ACTION
from handoff.errors import ConfigError
from handoff.service.store import SessionStore
from tests.handoff.events import action, user

RULE = AutoSwitch(enabled=True, window_minutes=30, min_conversations=5, max_error_rate=0.3,
                  max_negative_share=0.4, check_seconds=60)


class Audit:
    def __init__(self) -> None:
        self.entries: List[tuple] = []

    def record(self, actor: str, kind: str, subject: str, detail: str, source: str) -> None:
        self.entries.append((actor, kind, subject, detail, source))


@pytest.fixture
def switch(tmp_path: Path) -> KillSwitch:
    audit = Audit()
    found = KillSwitch(SessionStore.from_url(f"sqlite:///{tmp_path / 'h.db'}").engine, lambda: audit)
    found.log = audit  # for the assertions
    return found


async def test_a_change_is_kept_and_audited(switch: KillSwitch) -> None:
    await switch.set("orders", True, "order system down", "alice")
    await switch.set("orders", False, "fixed", "alice")
    await switch.set("*", True, "release night", "bob")
    found = await switch.all()
    assert [(s.skill, s.enabled) for s in found] == [("*", True), ("orders", False)]
    assert applies(found, "orders").skill == "*" and applies(found[1:], "orders") is None
    assert switch.log.entries[0] == ("alice", "kill_switch", "orders", {"bot": "off", "reason": "order system down"},
                                     "manual")
    assert len(switch.log.entries) == 3


def stats(conversations: int, turns: int, errors: int, negative: int = 0) -> Dict[str, int]:
    return {"conversations": conversations, "user_turns": turns, "errors": errors, "negative": negative}


def test_the_rule_needs_enough_conversations_and_a_breach() -> None:
    assert breaches({"orders": stats(4, 10, 9)}, RULE) == []  # too few to judge
    found = breaches({"orders": stats(5, 10, 4), "faq": stats(5, 10, 0)}, RULE)
    assert [b.skill for b in found] == ["orders"] and "error rate 40%" in found[0].reason
    negative = breaches({"faq": stats(10, 10, 0, 5)}, RULE)
    assert [b.skill for b in negative] == ["faq"] and "negative" in negative[0].reason
    spread = breaches({"faq": stats(3, 10, 4), "orders": stats(3, 10, 4)}, RULE)  # each too few, together bad
    assert [b.skill for b in spread] == ["*"]


class Facts:
    def __init__(self, by_since: Any) -> None:
        self.by_since = by_since

    async def catch_up(self) -> int:
        return 0

    async def window(self, since: datetime) -> Dict[str, Dict[str, int]]:
        return self.by_since(since)


async def test_the_rule_switches_off_and_a_person_switches_back_on(switch: KillSwitch) -> None:
    now = datetime.now(timezone.utc)
    facts = Facts(lambda since: {"orders": stats(10, 20, 10)})
    changed = await check_once(switch, facts, RULE, now)
    assert [(s.skill, s.source) for s in changed] == [("orders", AUTO)]
    assert await check_once(switch, facts, RULE, now) == []  # already off
    await switch.set("orders", True, "still off", "alice")
    await switch.set("orders", False, "fixed it", "alice")
    back_on = (await switch.all())[0].changed_at
    calmer = Facts(lambda since: {"orders": stats(10, 20, 10) if since < back_on else stats(2, 4, 0)})
    assert await check_once(switch, calmer, RULE, now + timedelta(seconds=1)) == []  # judged only since the fix


def test_auto_rule_values_are_validated() -> None:
    with pytest.raises(ConfigError, match="kill_switch.auto.max_error_rate"):
        HandoffConfig.from_dict({"kill_switch": {"auto": {"max_error_rate": 3}}})
    with pytest.raises(ConfigError, match="kill_switch.manual"):
        HandoffConfig.from_dict({"kill_switch": {"manual": True}})


def test_a_switched_off_skill_sends_new_questions_to_a_person() -> None:
    config = HandoffConfig.load()
    order = build_view([action("action_listen"), user("where is my order", "track_order")])
    decision = switched_off(order, config, {"orders": "order system down"})
    assert decision.action == TRANSFER_ACTION and decision.evidence[0].trigger == "kill_switch"
    assert decision.evidence[0].skill == "orders" and "order system down" in decision.evidence[0].detail
    assert switched_off(order, config, {"scheduling": "x"}) is None
    assert switched_off(order, config, {"*": "release"}).evidence[0].skill == "orders"
    thanks = build_view([action("action_listen"), user("thanks", "thank")])
    assert switched_off(thanks, config, {"*": "release"}) is None  # routine turns stay with the bot


def test_the_demo_agent_is_a_supervisor() -> None:
    from handoff.service.settings import ServiceSettings

    base = {"HANDOFF_SERVICE_TOKEN": "s", "HANDOFF_AGENT_TOKEN": "a"}
    assert ServiceSettings.from_env(base).agents[0].supervisor
