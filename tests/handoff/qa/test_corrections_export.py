"""Approved corrections as NLU data that never repeats an example; handoff corrections
replayed into a suggested handoff.yml change with its cost."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import yaml

from handoff.config import HandoffConfig
from handoff.corrections.export import existing_examples, write_nlu
from handoff.corrections.store import Correction
from handoff.corrections.suggest import suggest
from tests.handoff.events import exchange, user

NOW = datetime(2026, 11, 30, tzinfo=timezone.utc)


def correction(text: str, expected: str = "faq/payment_methods", kind: str = "wrong_answer",
               conversation: str = "c1", turn: int = 1) -> Correction:
    return Correction(f"id-{text[:8]}-{turn}", conversation, turn, kind, expected, "", text, "", "ann", NOW,
                      "approved")


def test_examples_are_written_once_and_never_repeat_the_training_data(tmp_path: Path) -> None:
    data = tmp_path / "nlu"
    data.mkdir()
    (data / "orders.yml").write_text('version: "3.1"\nnlu:\n- intent: track_order\n  examples: |\n'
                                     "    - where is order [10001](order_number)\n    - Where's my parcel\n")
    assert existing_examples(data) == {"where is order 10001": "track_order", "where's my parcel": "track_order"}
    out = tmp_path / "out.yml"
    report = write_nlu([correction("may I settle   the bill with paypal"), correction("MAY I settle the bill with PayPal"),
                        correction("where's my  PARCEL", "out_of_scope"), correction("where is order 10001", "track_order"),
                        correction("what's the meaning of life", "out_of_scope")], data, out)
    assert yaml.safe_load(out.read_text())["nlu"] == [
        {"intent": "faq/payment_methods", "examples": "- may I settle the bill with paypal\n"},
        {"intent": "out_of_scope", "examples": "- what's the meaning of life\n"}]
    assert [why for _, why in report.skipped] == [
        "already an example of it",
        "an example of track_order in the training data: move it there by hand if the correction is right",
        "already an example of it"]


def test_nothing_approved_is_still_valid_nlu(tmp_path: Path) -> None:
    out = tmp_path / "out.yml"
    write_nlu([], tmp_path, out)
    assert yaml.safe_load(out.read_text()) == {"version": "3.1", "nlu": []}


def test_handoff_corrections_suggest_a_change_and_its_cost() -> None:
    def angry(name: str) -> dict:
        events = exchange("where is my parcel", "It is on its way", "track_order", sentiment=-0.5)
        events += exchange("this is taking forever", "Sorry", "inform", sentiment=-0.7)
        return {"sender_id": name, "events": events}

    calm = {"sender_id": "calm", "events": exchange("hi", "Hi!", "greet", sentiment=0.2)}
    config = HandoffConfig.load()
    found, missing = suggest([correction("", None, "should_handoff", "angry-1", 2),
                              correction("", None, "should_handoff", "gone", 1)],
                             [angry("angry-1"), angry("angry-2"), calm], config)
    assert [c.conversation_id for c in missing] == ["gone"]
    best = found[0]
    assert best.caught == 1 and best.marked == 1 and best.conversations == 3
    assert best.extra_handoffs == 2  # the other angry conversation hands off too
    assert best.change.startswith("triggers.")


def test_a_should_not_handoff_correction_suggests_a_stricter_file() -> None:
    events = [user("can I talk to a person", "request_human", 0.35, ranking=[("faq", 0.5), ("request_human", 0.35)])]
    found, _ = suggest([correction("", None, "should_not_handoff", "c1", 1)], [{"sender_id": "c1", "events": events}],
                       HandoffConfig.load())
    assert found and all(s.extra_handoffs == -1 for s in found)


def test_the_export_command_replays_handoff_corrections(tmp_path: Path, capsys) -> None:
    import asyncio
    import json

    from handoff.__main__ import main
    from handoff.corrections.store import CorrectionStore
    from handoff.service.store import SessionStore

    db = f"sqlite:///{tmp_path / 'handoff.db'}"
    store = CorrectionStore(SessionStore.from_url(db).engine)

    async def approved(kind: str, expected: str, turn: int) -> None:
        made = await store.add("angry-1", turn, kind, expected, "", "this is taking forever", "", "ann")
        await store.decide(made.id, "approved", "sue", "")

    asyncio.run(approved("should_handoff", None, 2))
    asyncio.run(approved("wrong_answer", "out_of_scope", 2))
    events = exchange("where is my parcel", "It is on its way", "track_order", sentiment=-0.5)
    events += exchange("this is taking forever", "Sorry", "inform", sentiment=-0.7)
    (tmp_path / "trackers.json").write_text(json.dumps([{"sender_id": "angry-1", "events": events}]))
    out = tmp_path / "corrections.yml"
    assert main(["corrections", "export", "--out", str(out), "--db", db, "--file", str(tmp_path / "trackers.json"),
                 "--data", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "wrote 1 examples" in printed
    assert "1 approved handoff corrections, replayed over 1 stored conversations" in printed
    assert "catches 1/1 marked turns; +1 handoffs on 1 conversations" in printed
    assert yaml.safe_load(out.read_text())["nlu"] == [{"intent": "out_of_scope",
                                                       "examples": "- this is taking forever\n"}]
