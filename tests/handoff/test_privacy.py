from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, List

import pytest
import yaml

from handoff.errors import ConfigError
from handoff.privacy import KINDS, Redactor
from handoff.privacy.detectors import card_number, iban, password
from handoff.privacy.notice import CARD_NOTICE, told_before
from handoff.privacy.policy import DEFAULTS, PrivacyPolicy, shop_region
from handoff.privacy.views import context_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text, expected", [
    ("my card is 4111 1111 1111 1111 exp 12/25", "my card is [REDACTED:card_number] exp 12/25"),
    ("4111 1111 1111 1111 1225", "[REDACTED:card_number] 1225"),  # the expiry glued on is not part of it
    ("5555-5555-5555-4444", "[REDACTED:card_number]"),
    ("amex 3782 822463 10005", "amex [REDACTED:card_number]"),
    ("serial 4111111111111112", "serial 4111111111111112"),  # fails the Luhn check
    ("order 10001 and 10002", "order 10001 and 10002"),
    ("iban GB82 WEST 1234 5698 7654 32 thanks", "iban [REDACTED:iban] thanks"),
    ("gb82west12345698765432", "[REDACTED:iban]"),
    ("GB82 WEST 1234 5698 7654 33", "GB82 WEST 1234 5698 7654 33"),  # wrong check digits: not an IBAN
    ("call me on 07911 123456", "call me on [REDACTED:phone]"),
    ("+33 1 42 68 53 00", "[REDACTED:phone]"),
    ("my order number is 1000234567", "my order number is 1000234567"),
    ("tracking DPD7712345601", "tracking DPD7712345601"),
    ("mail jane.doe@example.org now", "mail [REDACTED:email] now"),
    ("my password is hunter2", "my password is [REDACTED:password]"),
    ("my password is not working", "my password is not working"),
    ("I forgot my password", "I forgot my password"),
    ("PIN 4821", "PIN [REDACTED:password]"),
    ("NI AB 12 34 56 C, ssn 078-05-1120", "NI [REDACTED:government_id], ssn [REDACTED:government_id]"),
    ("deliver to 221B Baker Street, NW1 6XE", "deliver to [REDACTED:address], [REDACTED:address]"),
    ("book a store visit next Tuesday at 11am", "book a store visit next Tuesday at 11am"),
])
def test_each_kind_is_replaced_by_its_marker(text: str, expected: str) -> None:
    assert Redactor()(text) == expected


def test_only_the_configured_kinds_and_not_the_verified_email() -> None:
    cards = Redactor(["card_number"])
    assert cards("4111111111111111 bob@example.com") == "[REDACTED:card_number] bob@example.com"
    both = Redactor(["card_number", "email"])
    result = both.redact("me: bob@example.com, not eve@example.com", keep=["BOB@example.com"])
    assert result.text == "me: bob@example.com, not [REDACTED:email]" and result.kinds == ("email",)
    with pytest.raises(ValueError, match="unknown kind of personal data 'ssn'"):
        Redactor(["ssn"])


def test_redacting_twice_changes_nothing_more() -> None:
    once = Redactor()("card 4111 1111 1111 1111, call 07911 123456")
    assert Redactor()(once) == once


def test_luhn_iban_and_password_rules() -> None:
    assert card_number.luhn("4111111111111111") and not card_number.luhn("4111111111111112")
    assert iban.valid("DE89370400440532013000") and not iban.valid("DE89370400440532013001")
    assert [s.kind for s in password.find("password: sunshine")] == ["password"]  # said as a value
    assert password.find("the password reset link") == []


def test_the_policy_file_shipped_is_valid_and_the_defaults_match_it() -> None:
    shipped = yaml.safe_load((ROOT / "privacy.yml").read_text())
    policy = PrivacyPolicy.from_dict(shipped, "privacy.yml")
    defaults = PrivacyPolicy.from_dict(DEFAULTS)
    for name in ("bot", "console", "webhook", "chatwoot", "logs"):
        assert policy.audience(name).redactor.kinds == defaults.audience(name).redactor.kinds
        assert policy.audience(name).verified_email == defaults.audience(name).verified_email
    assert policy.audience("console").verified_email and not policy.audience("webhook").verified_email
    assert policy.audience("some-new-desk").redactor.kinds == set(KINDS)  # unknown desks see nothing personal
    assert shop_region(ROOT / "bot" / "shop.yml") == "GB" and shop_region(ROOT / "missing.yml") == "GB"


@pytest.mark.parametrize("raw, message", [
    ([], "'privacy' must be a mapping"),
    ({"audiences": {"bot": {}, "console": {}}}, "'audiences.logs' is missing"),
    ({"audiences": {"bot": {"redact": ["cards"]}, "console": {}, "logs": {}}}, "names 'cards', which is not a kind"),
    ({"audiences": {"bot": {"redact": ["email"]}, "console": {}, "logs": {}}}, "must include card_number"),
    ({"audiences": {"bot": {}, "console": {"verified_email": "yes"}, "logs": {}}}, "must be true or false"),
    ({"audiences": {"bot": {"hide": []}, "console": {}, "logs": {}}}, "'audiences.bot.hide' is not a known key"),
    ({"region": "Britain", "audiences": {}}, "'region' is 'Britain'"),
])
def test_a_wrong_policy_says_what_to_fix(raw: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PrivacyPolicy.from_dict(raw, "privacy.yml")


def test_a_missing_named_policy_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        PrivacyPolicy.load(env={"PRIVACY_CONFIG": str(tmp_path / "nope.yml")})


CONTEXT = {"conversation_id": "c1", "customer": {"email": "bob@example.com", "verified": True},
           "summary": "Wants: refund (verified email bob@example.com)",
           "slots": {"customer_email": "bob@example.com", "order_number": "10003"},
           "transcript": [{"speaker": "customer", "text": "card 4111111111111111, mail eve@example.com, me bob@example.com",
                           "entities": [{"entity": "email", "value": "eve@example.com"}]}]}


def test_a_context_as_each_audience_sees_it() -> None:
    policy = PrivacyPolicy.from_dict(DEFAULTS)
    console = context_for(CONTEXT, policy.audience("console"))
    assert console["customer"]["email"] == "bob@example.com"
    assert console["transcript"][0]["text"] == ("card [REDACTED:card_number], mail [REDACTED:email], "
                                                "me bob@example.com")
    assert console["transcript"][0]["entities"][0]["value"] == "[REDACTED:email]"
    hidden = context_for(CONTEXT, policy.audience("console"), show_email=False)
    assert "bob@example.com" not in str(hidden) and hidden["customer"]["email_hidden"]
    outsourced = context_for(CONTEXT, policy.audience("webhook"))
    assert "bob@example.com" not in str(outsourced) and "customer_email" not in outsourced["slots"]


def test_log_records_lose_personal_data() -> None:
    from handoff.privacy import logs

    previous = logging.getLogRecordFactory()
    try:
        assert logs.install(Redactor())
        assert not logs.install(Redactor())  # once
        record = logging.getLogger("x").makeRecord("x", logging.INFO, "f", 1, "paid with %s by %s",
                                                   ("4111 1111 1111 1111", "eve@example.com"), None)
        assert record.getMessage() == "paid with [REDACTED:card_number] by [REDACTED:email]"
    finally:
        logging.setLogRecordFactory(previous)


async def test_the_channel_step_redacts_and_tells_the_customer_once() -> None:
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.channels.privacy import private

    seen: List[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        seen.append(message)

    handle = private(bot, PrivacyPolicy.from_dict(DEFAULTS).audience("bot"))
    out = CollectingOutputChannel()
    await handle(UserMessage("card 4111 1111 1111 1111, mail bob@example.com", out, "c1"))
    assert seen[0].text == "card [REDACTED:card_number], mail bob@example.com"  # the bot verifies by email
    assert seen[0].metadata == {"redacted": ["card_number"], "card_notice": True}
    assert [m["text"] for m in out.messages] == [CARD_NOTICE]
    await handle(UserMessage("where is order 10001?", out, "c1"))
    assert seen[1].text == "where is order 10001?" and seen[1].metadata is None
    assert told_before([{"event": "user", "metadata": seen[0].metadata}])
    assert not told_before([{"event": "user", "metadata": {}}, {"event": "bot"}])


async def test_connector_payloads_carry_only_what_their_desk_may_see() -> None:
    from datetime import datetime, timezone

    from handoff.connectors.chatwoot import ChatwootConnector
    from handoff.connectors.webhook import WebhookConnector
    from handoff.service.store import Message, Session

    now = datetime.now(timezone.utc)
    session = Session("s1", "c1", "queued", "general", "normal", None, CONTEXT, now, None, None, 0, None, "7")
    message = Message(1, "s1", "customer", None, "it's 4111 1111 1111 1111, call 07911 123456", now)
    sent: List[Any] = []

    hook = WebhookConnector("http://127.0.0.1:9/x", "secret")
    hook._post = lambda payload: _capture(sent, payload)  # type: ignore[method-assign]
    await hook.opened(session, CONTEXT)
    await hook.customer_wrote(session, message)
    desk = ChatwootConnector("http://127.0.0.1:9", "1", 3, "t", "w")
    desk.audience = PrivacyPolicy.from_dict(DEFAULTS).audience("chatwoot")  # as the app sets it
    desk._post = lambda path, body: _capture(sent, body, {"payload": {"contact": {"id": 1}, "contact_inbox": {
        "source_id": "x"}}, "id": 5})  # type: ignore[method-assign]
    await desk.opened(session, CONTEXT)
    await desk.customer_wrote(session, message)
    to_webhook, to_chatwoot = str(sent[:2]), str(sent[2:])
    for secret in ("4111", "eve@example.com", "07911"):
        assert secret not in to_webhook and secret not in to_chatwoot
    assert "bob@example.com" not in to_webhook  # an outsourced desk: not even the verified email
    assert sent[2]["email"] == "bob@example.com"  # Chatwoot's contact is the verified customer
    assert "[REDACTED:card_number]" in to_webhook and "[REDACTED:phone]" in to_chatwoot


async def _capture(sent: List[Any], payload: Any, answer: Any = None) -> Any:
    sent.append(payload)
    return answer


async def test_desks_are_asked_to_erase_their_copy() -> None:
    from datetime import datetime, timezone

    from handoff.connectors.chatwoot import ChatwootConnector
    from handoff.connectors.webhook import WebhookConnector
    from handoff.errors import ConnectorUnavailable
    from handoff.http import Reply
    from handoff.service.store import Session

    session = Session("s1", "c1", "resolved", "general", "normal", None, {}, datetime.now(timezone.utc), None, None,
                      0, None, "7")
    sent: List[Any] = []
    hook = WebhookConnector("http://127.0.0.1:9/x", "secret")
    hook._post = lambda payload: _capture(sent, payload)  # type: ignore[method-assign]
    await hook.erased(session)
    assert sent == [{"type": "erased", "session_id": "s1"}]

    class Http:
        def __init__(self, status: int) -> None:
            self.status, self.urls = status, []

        async def delete(self, url: str) -> Reply:
            self.urls.append(url)
            return Reply(self.status, "")

    desk = ChatwootConnector("http://cw", "1", 3, "t", "w")
    desk._http = Http(200)  # type: ignore[assignment]
    await desk.erased(session)
    assert desk._http.urls == ["http://cw/api/v1/accounts/1/conversations/7"]
    desk._http = Http(403)  # type: ignore[assignment]
    with pytest.raises(ConnectorUnavailable, match="answered 403 to deleting conversation 7"):
        await desk.erased(session)


def test_the_redact_command_says_what_a_policy_would_remove(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from handoff.__main__ import main

    texts = tmp_path / "texts.txt"
    texts.write_text("my card 4111 1111 1111 1111\nwhere is order 10001\nmail me at a@b.io\n")
    assert main(["redact", "--audience", "bot", "--file", str(texts), "--show"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["my card [REDACTED:card_number]", "3 texts, 1 would change (bot): card_number 1"]
    export = tmp_path / "export.json"
    export.write_text('[{"sender_id": "c", "events": [{"event": "user", "text": "mail a@b.io"}]}]')
    assert main(["redact", "--audience", "console", "--export", str(export)]) == 0
    assert capsys.readouterr().out.strip() == "1 texts, 1 would change (console): email 1"
