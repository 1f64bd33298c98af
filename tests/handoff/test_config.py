from __future__ import annotations

from pathlib import Path

import pytest

from handoff.config import HandoffConfig
from handoff.errors import ConfigError, HandoffError


def test_shipped_file_loads() -> None:
    config = HandoffConfig.load()
    assert config.explicit.mode == "transfer" and config.sentiment.trend_window == 3
    assert {t.name for t in config.gray_area.topics} >= {"legal_threat", "injury_safety", "privacy_data"}
    assert config.route("sentiment").skill == "customer_care" and config.route("nonsense").skill == "general"


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    (tmp_path / "h.yml").write_text("")
    config = HandoffConfig.load(tmp_path / "h.yml")
    assert config.loop.fallbacks_in_a_row == 2 and config.gray_area.topics == ()


@pytest.mark.parametrize(
    "raw, key, says",
    [
        ({"trigers": {}}, "trigers", "allowed here: version, triggers, routing"),
        ({"skills_by_intent": {"track_order": 3}}, "skills_by_intent", "must map intent names"),
        ({"triggers": {"sentiment": {"strong_negative": -2}}}, "triggers.sentiment.strong_negative", "from -1.0 to 0.0"),
        ({"triggers": {"sentiment": {"mode": "maybe"}}}, "triggers.sentiment.mode", "allowed: offer, transfer"),
        ({"triggers": {"loop": {"fallbacks_in_a_row": "two"}}}, "triggers.loop.fallbacks_in_a_row", "whole number"),
        ({"triggers": {"explicit": {"enabled": "yes"}}}, "triggers.explicit.enabled", "must be bool"),
        ({"triggers": {"explicit": {"patterns": ["(unclosed"]}}}, "triggers.explicit.patterns[0]", "regular expression"),
        ({"triggers": {"gray_area": {"sensitive_topics": {"legal": {"skill": "legal"}}}}},
         "triggers.gray_area.sensitive_topics.legal", "needs intents or patterns"),
        ({"triggers": {"gray_area": {"sensitive_topics": {"c": {"intents": ["complain"], "min_confidence": 2}}}}},
         "triggers.gray_area.sensitive_topics.c.min_confidence", "from 0.0 to 1.0"),
        ({"triggers": {"gray_area": {"sensitive_topics": {"legal": {"patterns": ["x"], "priority": "asap"}}}}},
         "triggers.gray_area.sensitive_topics.legal.priority", "allowed: low, normal, high, urgent"),
        ({"routing": {"sentiment": {"queue": "x"}}}, "routing.sentiment.queue", "allowed here: skill, priority"),
        ([1, 2], "(top level)", "must be a mapping"),
    ],
)
def test_wrong_config_names_file_key_and_what_is_allowed(raw, key: str, says: str) -> None:
    with pytest.raises(ConfigError) as error:
        HandoffConfig.from_dict(raw, "handoff.yml")
    assert error.value.key == key and says in str(error.value)
    assert str(error.value).startswith(f"handoff.yml: '{key}'")
    assert isinstance(error.value, HandoffError)


def test_unreadable_and_invalid_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        HandoffConfig.load(tmp_path / "missing.yml")
    (tmp_path / "bad.yml").write_text("triggers: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        HandoffConfig.load(tmp_path / "bad.yml")
