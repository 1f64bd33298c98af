"""qa.yml: the shipped file loads; a wrong key, type or value says the file, the key and
what is allowed."""
from __future__ import annotations

from pathlib import Path

import pytest

from handoff.errors import ConfigError
from handoff.qa.rubric import DEFAULT_FILE, KINDS, Rubric


def test_the_shipped_rubric_loads_and_names_every_kind() -> None:
    rubric = Rubric.load(DEFAULT_FILE)
    assert set(rubric.weights) == set(KINDS) and rubric.flag_below == 70
    assert rubric.booking_done.search("Booked! Your store visit")


@pytest.mark.parametrize("raw, key, says", [
    ({"weights": {"task_fail": 3}}, "weights.task_fail", "allowed here: task_completed"),
    ({"weights": {"fallback": -1}}, "weights.fallback", "a number from 0 to 100"),
    ({"flag_below": "low"}, "flag_below", "a number from 0 to 100"),
    ({"thresholds": {"low_rating": 9}}, "thresholds.low_rating", "from 1 to 5"),
    ({"booking_done": "(unclosed"}, "booking_done", "not a valid regular expression"),
    ({"complaint_intents": "complain"}, "complaint_intents", "a list of names"),
    ({"colour": 1}, "colour", "not a known key"),
])
def test_a_wrong_rubric_says_what_to_change(raw: dict, key: str, says: str) -> None:
    with pytest.raises(ConfigError) as error:
        Rubric.from_dict(raw, "my-qa.yml")
    assert error.value.key == key and says in str(error.value) and "my-qa.yml" in str(error.value)


def test_an_unreadable_file(tmp_path: Path) -> None:
    (tmp_path / "qa.yml").write_text("weights: [")
    with pytest.raises(ConfigError, match="not valid YAML"):
        Rubric.load(tmp_path / "qa.yml")
    with pytest.raises(ConfigError, match="cannot be read"):
        Rubric.load(tmp_path / "absent.yml")
