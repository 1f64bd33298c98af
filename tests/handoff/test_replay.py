from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from handoff.__main__ import main
from handoff.config import HandoffConfig
from handoff.replay import replay
from tests.handoff.events import exchange, slot

ROUTINE = exchange("hi", "Hi!", "greet", after="utter_greet") + exchange(
    "how long is shipping", "3-5 days", faq_key="shipping_time", sentiment=0.0)
ANGRY = exchange("where is my order", "It is delayed", "track_order", after="action_check_order", sentiment=-0.1) + \
    exchange("still waiting, third time I ask, useless!!", "Sorry", "faq", sentiment=-0.9) + \
    [slot("handoff_reasons", [{"trigger": "old", "turn": 2, "mode": "transfer"}]), {"event": "pause"}]
LOOPING = exchange("asdf", "Sorry?", "nlu_fallback", after="action_handle_unclear") * 3


def trackers() -> List[Dict[str, Any]]:
    return [{"sender_id": "routine", "events": ROUTINE}, {"sender_id": "angry", "events": ANGRY},
            {"sender_id": "looping", "events": LOOPING}]


def test_replay_finds_when_and_why() -> None:
    summary = replay(trackers(), HandoffConfig.load())
    by_id = {r.conversation_id: r for r in summary.results}
    assert by_id["routine"].decision is None
    assert (by_id["angry"].turn, by_id["angry"].decision.evidence[0].trigger) == (2, "sentiment")
    assert (by_id["looping"].turn, by_id["looping"].decision.mode) == (2, "transfer")
    assert summary.totals()["hand_off"] == 2 and summary.totals()["rate"] == pytest.approx(0.6667, abs=1e-4)


def test_a_threshold_change_moves_the_rate(tmp_path: Path) -> None:
    strict = {"triggers": {"sentiment": {"strong_negative": -0.95, "trend_threshold": -0.9},
                           "loop": {"fallbacks_in_a_row": 4, "not_understood_in_a_row": 4}}}
    summary = replay(trackers(), HandoffConfig.from_dict(strict))
    assert summary.totals()["hand_off"] == 0


def test_cli_on_an_exported_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    export = tmp_path / "conversations.json"
    export.write_text(json.dumps(trackers()))
    assert main(["replay", "--file", str(export)]) == 0
    out = capsys.readouterr().out
    assert "2 of 3 conversations would hand off (66.7%)" in out and "looping" in out
    assert main(["replay", "--file", str(export), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["transfers"] == 1 and data["totals"]["offers"] == 1


def test_cli_errors_are_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["replay", "--file", str(tmp_path / "missing.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err
    (tmp_path / "bad.yml").write_text("triggers: {loop: {turn_budget: -1}}")
    assert main(["replay", "--config", str(tmp_path / "bad.yml"), "--file", str(tmp_path / "x")]) == 2
    assert "triggers.loop.turn_budget" in capsys.readouterr().err


async def test_replay_reads_rasas_sql_tracker_store(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    from handoff.replay import load_tracker_store
    from tests.conftest import ROOT

    domain = Domain.load(str(ROOT / "bot" / "domain"))
    store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    for tracker in trackers():
        events = [Event.from_parameters({**e, "timestamp": 1_780_000_000.0}) for e in tracker["events"]]
        await store.save(DialogueStateTracker.from_events(tracker["sender_id"], events, domain.slots))
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": {"type": "SQL", "dialect": "sqlite",
                                                           "db": str(tmp_path / "tracker.db")}}))
    loaded = await load_tracker_store(endpoints)
    summary = replay(loaded, HandoffConfig.load())
    assert sorted(r.conversation_id for r in summary.results if r.decision) == ["angry", "looping"]
