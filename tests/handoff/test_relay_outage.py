"""When the notice of an outage is due (handoff.relay.outage): a backlog old enough, once
per backlog, again after it drained; and the channel's part with a stand-in for Rasa."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, List

import pytest
from rasa.core.channels.channel import CollectingOutputChannel

from bot.channels import outage as channel
from handoff.broker import HandoffEventBroker
from handoff.relay.outage import FLAG, NOTICE, OutageNotice
from handoff.relay.outbox import Outbox
from tests.servers import free_port


def user(sender: str, text: str) -> dict:
    return {"event": "user", "sender_id": sender, "text": text, "timestamp": 1.0}


def test_the_notice_is_due_once_per_backlog(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.db")
    notice = OutageNotice(outbox, after=30)
    assert notice.due_in("c1") is None and not notice.claim("c1")  # nothing waits
    outbox.add("e1", "c1", user("c1", "one"))
    written = outbox.waiting_since("c1")
    assert notice.due_in("c1", now=written + 10) == pytest.approx(20)
    outbox.add("e2", "c1", user("c1", "two"))
    assert notice.due_in("c1", now=written + 31) == 0.0  # the oldest decides
    notice.after = 0.001
    time.sleep(0.01)
    assert notice.claim("c1") and not notice.claim("c1")  # once
    outbox.done(outbox.next_for("c1").seq)
    assert not notice.claim("c1")  # the backlog has not drained yet
    outbox.done(outbox.next_for("c1").seq)
    outbox.add("e3", "c1", user("c1", "three"))  # a later outage
    time.sleep(0.01)
    assert notice.claim("c1")


def test_only_our_broker_has_an_outbox_to_look_at(tmp_path: Path) -> None:
    broker = HandoffEventBroker("http://127.0.0.1:1", "t", Outbox(tmp_path / "o.db"), notice_after=12)
    assert OutageNotice.of(broker).after == 12
    assert OutageNotice.of(SimpleNamespace()) is None and OutageNotice.of(None) is None


class Output:
    def __init__(self) -> None:
        self.sent: List[str] = []

    async def send_text_message(self, recipient_id: str, text: str, **_: Any) -> None:
        self.sent.append(text)


async def test_the_customer_is_told_with_a_message_or_by_the_timer(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    broker = HandoffEventBroker(f"http://127.0.0.1:{free_port()}", "t", Outbox(tmp_path / "o.db"), timeout=1,
                                notice_after=0.3)  # nobody listens: the service is down
    paused = {"waiting": True, "with-the-bot": False, "on-rest": True}
    tracker_store = SimpleNamespace(event_broker=broker,
                                    retrieve=lambda s: SimpleNamespace(is_paused=lambda: paused[s]))
    monkeypatch.setattr(channel, "_agent", lambda: SimpleNamespace(tracker_store=tracker_store))
    handled: List[Any] = []

    async def rasa(message: Any) -> None:
        handled.append(message.metadata)
        broker.publish(user(message.sender_id, message.text))

    handle = channel.outage_aware(rasa)
    out, bot_only = Output(), Output()
    message = lambda sender, text, output: SimpleNamespace(sender_id=sender, text=text, metadata=None,  # noqa: E731
                                                            output_channel=output)
    try:
        await handle(message("waiting", "hello?", out))
        await handle(message("with-the-bot", "where is my order", bot_only))
        await asyncio.sleep(0.6)  # the customer waits in silence: the timer tells them
        assert out.sent == [NOTICE] and bot_only.sent == []  # only a conversation waiting for a person
        await handle(message("waiting", "anyone there?", out))
        assert out.sent == [NOTICE] and FLAG not in (handled[-1] or {})  # once
        rest = CollectingOutputChannel()  # answers requests only: told with the next message
        await handle(message("on-rest", "one", rest))
        await asyncio.sleep(0.4)
        assert rest.messages == []
        await handle(message("on-rest", "two", rest))
        assert [m["text"] for m in rest.messages] == [NOTICE] and handled[-1][FLAG] is True
    finally:
        await broker.close()
