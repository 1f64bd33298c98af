from __future__ import annotations

import pytest

from actions.errors import SettingsError
from actions.server import ServerSettings, authorized


def test_the_action_server_listens_on_loopback_unless_told() -> None:
    settings = ServerSettings.from_env({"ACTIONS_TOKEN": "s3cret"})
    assert (settings.host, settings.port, settings.token) == ("127.0.0.1", 5055, "s3cret")
    assert ServerSettings.from_env({"ACTIONS_TOKEN": "s", "ACTIONS_HOST": "0.0.0.0"}).host == "0.0.0.0"


@pytest.mark.parametrize("env", [{}, {"ACTIONS_TOKEN": "  "}, {"ACTIONS_TOKEN": "same", "RASA_TOKEN": "same"},
                                 {"ACTIONS_TOKEN": "same", "HANDOFF_SERVICE_TOKEN": "same"}])
def test_no_secret_or_a_shared_one_refuses_to_start(env: dict) -> None:
    with pytest.raises(SettingsError, match="ACTIONS_TOKEN"):
        ServerSettings.from_env(env)


def test_only_the_bearer_secret_is_authorized() -> None:
    assert authorized("Bearer s3cret", "s3cret") and authorized("bearer s3cret", "s3cret")
    assert not authorized("Bearer s3cre", "s3cret") and not authorized("s3cret", "s3cret")
    assert not authorized("", "s3cret") and not authorized("Basic s3cret", "s3cret")
