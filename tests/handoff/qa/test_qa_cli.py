"""``python -m handoff qa``: stored conversations re-scored with a changed rubric, the
change printed like replay prints one."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

from handoff.__main__ import main
from handoff.qa.rubric import Rubric
from handoff.qa.scoring import review_events
from handoff.qa.store import QAStore
from handoff.service.store import SessionStore
from tests.handoff.events import exchange, user


def test_a_changed_rubric_shows_its_effect(tmp_path: Path, capsys) -> None:
    failing = exchange("return policy?", "You can return...", faq_key="return_policy") * 2
    trackers = [{"sender_id": "repeats", "events": failing},
                {"sender_id": "fine", "events": exchange("hi", "Hi!", "greet")},
                {"sender_id": "fallback", "events": [user("asdf", "nlu_fallback", 0.1)]}]
    (tmp_path / "conversations.json").write_text(json.dumps(trackers))
    db = f"sqlite:///{tmp_path / 'handoff.db'}"
    store = QAStore(SessionStore.from_url(db).engine)
    asyncio.run(store.save(review_events("repeats", failing, Rubric.from_dict({})), None))
    (tmp_path / "lenient.yml").write_text("weights: {task_failed: 5, customer_repeated: 0}\nflag_below: 50\n")

    assert main(["qa", "--rubric", str(tmp_path / "lenient.yml"), "--file", str(tmp_path / "conversations.json"),
                 "--db", db, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    rows = {r["conversation_id"]: r for r in printed["results"]}
    assert (rows["repeats"]["old"], rows["repeats"]["new"]) == (65.0, 95.0)
    assert rows["repeats"]["old_flagged"] is True and rows["repeats"]["flagged"] is False
    assert rows["fine"]["old"] is None and rows["fallback"]["new"] == 92
    assert printed["totals"]["no_longer_flagged"] == 1 and printed["totals"]["flagged_after"] == 0

    assert main(["qa", "--rubric", str(tmp_path / "lenient.yml"), "--file", str(tmp_path / "conversations.json"),
                 "--db", db]) == 0
    table = capsys.readouterr().out
    assert "repeats" in table and "+30" in table and "flagged 1 -> 0 (0 newly, 1 no longer" in table


def test_a_wrong_rubric_is_an_error_that_names_the_key(tmp_path: Path, capsys) -> None:
    (tmp_path / "bad.yml").write_text("weights: {fallbak: 3}\n")
    assert main(["qa", "--rubric", str(tmp_path / "bad.yml"), "--file", str(tmp_path / "none.json")]) == 2
    assert "'weights.fallbak' is not a known key" in capsys.readouterr().err
