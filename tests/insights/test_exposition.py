"""The Prometheus exposition on its own: what it reads from a desk snapshot and what it
counts from Rasa's events, parsed back by prometheus-client's parser; and the broker
carries the handoff policy's reasons (and no other slot) to the service."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict

from prometheus_client.parser import text_string_to_metric_families

from handoff.broker import HandoffEventBroker
from handoff.insights.exposition import Exposition, Snapshot, snapshot_rows
from handoff.relay.outbox import Outbox
from tests.insights.scripted import LOOP


def parsed(text: bytes) -> Dict[str, list]:
    return {f.name: f.samples for f in text_string_to_metric_families(text.decode())}


def test_a_snapshot_of_the_queue_becomes_gauges() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
    rows = [("queued", "orders", "high", now - timedelta(seconds=90), None),
            ("queued", "orders", "high", now - timedelta(seconds=30), None),
            ("queued", "orders", "low", now - timedelta(seconds=10), now),  # left as a message
            ("active", "orders", "normal", now, None)]
    snap = snapshot_rows(rows, now)
    snap.agents_present, snap.states = 2, {"queued": 3, "active": 1}
    found = parsed(Exposition().render(snap))
    assert [(s.labels, s.value) for s in found["handoff_queue_length"]] == [({"skill": "orders", "priority": "high"}, 2)]
    assert found["handoff_queue_longest_wait_seconds"][0].value == 90
    assert found["handoff_left_as_message"][0].value == 1
    assert found["handoff_agents_present"][0].value == 2


def test_rasa_events_count_triggers_and_messages_outside_the_coverage() -> None:
    exposition = Exposition()
    exposition.rasa_event({"event": "slot", "name": "handoff_reasons", "value": LOOP})
    for intent, coverage in (("nlu_fallback", None), ("out_of_scope", None), ("faq", False), ("faq", True)):
        parse = {"intent": {"name": intent}, **({"coverage": {"in_scope": coverage}} if coverage is not None else {})}
        exposition.rasa_event({"event": "user", "parse_data": parse})
    found = parsed(exposition.render(Snapshot()))
    fired = {s.labels["trigger"]: s.value for s in found["rasa_handoff_trigger_firings"] if s.name.endswith("_total")}
    outside = {s.labels["kind"]: s.value for s in found["rasa_out_of_coverage_messages"] if s.name.endswith("_total")}
    assert fired == {"loop": 1.0}
    assert outside == {"nlu_fallback": 1.0, "out_of_scope": 1.0, "coverage": 1.0}
    assert [s.value for s in found["rasa_customer_messages"] if s.name.endswith("_total")] == [4.0]


async def test_the_broker_carries_the_handoff_reasons_and_no_other_slot(tmp_path: Path) -> None:
    broker = HandoffEventBroker("http://127.0.0.1:9", "t", Outbox(tmp_path / "outbox.db"), timeout=0.2)
    broker.publish({"event": "slot", "sender_id": "a", "name": "requested_slot", "value": "order_number"})
    broker.publish({"event": "slot", "sender_id": "a", "name": "handoff_reasons", "value": LOOP})
    assert broker.outbox.pending() == 1
    await broker.close()
