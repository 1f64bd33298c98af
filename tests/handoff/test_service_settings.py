from __future__ import annotations

from datetime import datetime, timezone

import pytest

from handoff.errors import ConfigError
from handoff.service.metrics import desk_metrics, first_trigger
from handoff.service.settings import ServiceSettings


def test_the_service_token_is_its_own_secret() -> None:
    with pytest.raises(ConfigError, match="HANDOFF_SERVICE_TOKEN"):
        ServiceSettings.from_env({"RASA_TOKEN": "r"})  # it never defaults to Rasa's
    with pytest.raises(ConfigError, match="must differ"):
        ServiceSettings.from_env({"RASA_TOKEN": "same", "HANDOFF_SERVICE_TOKEN": "same"})
    settings = ServiceSettings.from_env({"RASA_TOKEN": "r", "HANDOFF_SERVICE_TOKEN": "s",
                                         "HANDOFF_ORIGINS": "https://desk.example/ http://x:1"})
    assert settings.service_token == "s" and settings.origins == ("https://desk.example", "http://x:1")
    assert settings.max_body_bytes == 1_000_000 and settings.throttle.failures == 10


def test_limits_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="HANDOFF_LOGIN_FAILURES"):
        ServiceSettings.from_env({"HANDOFF_SERVICE_TOKEN": "s", "HANDOFF_LOGIN_FAILURES": "0"})


@pytest.mark.parametrize("context", [{"reasons": "notalist"}, {"reasons": [5]}, {"reasons": [{"trigger": 3}]},
                                     {"reasons": []}, {}, "nonsense", None])
def test_metrics_survive_any_stored_context(context: object) -> None:
    from handoff.service.store import Session

    now = datetime.now(timezone.utc)
    session = Session("1", "c", "queued", "general", "normal", None, context, now, None, None, 0, None)  # type: ignore[arg-type]
    assert first_trigger(context) == "unknown"
    assert desk_metrics([session], now)["by_reason"] == {"unknown": 1}


def test_relayed_customer_text_is_capped() -> None:
    from handoff.service.inputs import MAX_TEXT, capped_event

    event = {"event": "user", "text": "x" * (MAX_TEXT + 500)}
    assert len(capped_event(event)["text"]) == MAX_TEXT + 1 and len(event["text"]) == MAX_TEXT + 500
    assert capped_event({"event": "user", "text": "hi"}) == {"event": "user", "text": "hi"}
