from __future__ import annotations

import pytest

from handoff.connectors import create_connector
from handoff.connectors.console import ConsoleConnector
from handoff.connectors.webhook import WebhookConnector, sign, verify
from handoff.errors import ConfigError


def test_the_console_is_the_default_and_others_are_named() -> None:
    assert isinstance(create_connector({}), ConsoleConnector)
    hook = create_connector({"HANDOFF_CONNECTOR": "webhook", "HANDOFF_WEBHOOK_URL": "http://h/x",
                             "HANDOFF_WEBHOOK_SECRET": "s"})
    assert isinstance(hook, WebhookConnector) and hook.url == "http://h/x"


@pytest.mark.parametrize("env, message", [
    ({"HANDOFF_CONNECTOR": "carrier-pigeon"}, "'HANDOFF_CONNECTOR' is 'carrier-pigeon'; use console, webhook or chatwoot"),
    ({"HANDOFF_CONNECTOR": "webhook"}, "'HANDOFF_WEBHOOK_URL' must be set when HANDOFF_CONNECTOR is webhook"),
    ({"HANDOFF_CONNECTOR": "webhook", "HANDOFF_WEBHOOK_URL": "http://h"}, "'HANDOFF_WEBHOOK_SECRET' must be set"),
])
def test_a_wrong_connector_setting_says_what_to_set(env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create_connector(env)


def test_signatures_are_hmac_sha256_of_the_raw_body() -> None:
    signature = sign("secret", b'{"a": 1}')
    assert signature == "sha256=9efa14a18410a57a432fbf0ce38d4bc33339036a64e57b8c86da0bb1e122d972"
    assert verify("secret", b'{"a": 1}', signature)
    assert not verify("secret", b'{"a": 2}', signature) and not verify("other", b'{"a": 1}', signature)
    assert not verify("secret", b'{"a": 1}', None)


def test_chatwoot_needs_its_settings_and_writes_a_readable_note() -> None:
    from handoff.connectors.chatwoot import ChatwootConnector, context_note

    with pytest.raises(ConfigError, match="'HANDOFF_CHATWOOT_URL' must be set"):
        create_connector({"HANDOFF_CONNECTOR": "chatwoot"})
    env = {"HANDOFF_CONNECTOR": "chatwoot", "HANDOFF_CHATWOOT_URL": "http://cw/", "HANDOFF_CHATWOOT_ACCOUNT_ID": "1",
           "HANDOFF_CHATWOOT_INBOX_ID": "inbox", "HANDOFF_CHATWOOT_API_TOKEN": "t",
           "HANDOFF_CHATWOOT_WEBHOOK_TOKEN": "w"}
    with pytest.raises(ConfigError, match="must be the number of an API inbox"):
        create_connector(env)
    connector = create_connector({**env, "HANDOFF_CHATWOOT_INBOX_ID": "3"})
    assert isinstance(connector, ChatwootConnector) and connector.base == "http://cw/api/v1/accounts/1"
    note = context_note({"priority": "urgent", "skill": "legal", "summary": "Wants: refund.",
                         "reasons": [{"trigger": "gray_area", "detail": "legal threat", "value": 1, "threshold": 1}],
                         "transcript": [{"speaker": "customer", "text": "I'll sue"}]})
    assert note.splitlines()[0] == "Handed over by the shop assistant (urgent priority, legal)."
    assert "- gray_area: legal threat" in note and note.endswith("customer: I'll sue")
