"""The service in the Prometheus text format (prometheus-client), one registry per app.

Gauges are read from the session store when scraped (the queue by skill and priority,
the longest wait, sessions by state, agents present, messages not yet delivered), so
every instance on a shared database reports the same desk. Counters and histograms
count what passed through this instance since it started (Prometheus sums instances):
sessions opened by trigger and reason, the relay's latency each way, and the Rasa
side as Rasa's events arrive here through the event broker (handoff triggers that
fired, messages outside the bot's coverage)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, Iterator, List, Mapping, Tuple

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric

from handoff.conversation import HANDOFF_SLOT
from handoff.service.store import ASSIGNED, DELIVERED, Message, Session

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
WAIT_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1200, 3600)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class Snapshot:
    """The desk as the database has it at a scrape."""
    queue: Dict[Tuple[str, str], int] = field(default_factory=dict)   # (skill, priority) -> customers waiting
    longest_wait: Dict[str, float] = field(default_factory=dict)      # skill -> seconds
    left_as_message: Dict[str, int] = field(default_factory=dict)
    states: Dict[str, int] = field(default_factory=dict)
    agents_present: int = 0
    undelivered_agent_messages: int = 0
    customer_messages_on_their_way: int = 0
    kill_switch: Dict[str, bool] = field(default_factory=dict)


class _SnapshotCollector:
    def __init__(self) -> None:
        self.snapshot = Snapshot()

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        queue = GaugeMetricFamily("handoff_queue_length", "Customers waiting for a person", labels=["skill", "priority"])
        for (skill, priority), count in sorted(s.queue.items()):
            queue.add_metric([skill, priority], count)
        yield queue
        wait = GaugeMetricFamily("handoff_queue_longest_wait_seconds", "The longest current wait", labels=["skill"])
        for skill, seconds in sorted(s.longest_wait.items()):
            wait.add_metric([skill], seconds)
        yield wait
        left = GaugeMetricFamily("handoff_left_as_message", "Queued as a message, the bot has the chat", labels=["skill"])
        for skill, count in sorted(s.left_as_message.items()):
            left.add_metric([skill], count)
        yield left
        states = GaugeMetricFamily("handoff_sessions", "Sessions by state", labels=["state"])
        for state, count in sorted(s.states.items()):
            states.add_metric([state], count)
        yield states
        yield GaugeMetricFamily("handoff_agents_present", "Agents on duty now", value=s.agents_present)
        pending = GaugeMetricFamily("handoff_events_pending_delivery", "Messages not delivered yet",
                                    labels=["direction"])
        pending.add_metric(["agent_to_customer"], s.undelivered_agent_messages)
        pending.add_metric(["customer_to_agent"], s.customer_messages_on_their_way)
        yield pending
        switch = GaugeMetricFamily("handoff_kill_switch_on", "1 while the bot is switched off", labels=["skill"])
        for skill, on in sorted(s.kill_switch.items()):
            switch.add_metric([skill], 1.0 if on else 0.0)
        yield switch


class Exposition:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._desk = _SnapshotCollector()
        self.registry.register(self._desk)
        r = self.registry
        self.opened = Counter("handoff_sessions_opened", "Sessions opened, by the trigger and reason that fired",
                              ["trigger", "reason", "skill", "priority"], registry=r)
        self.time_to_agent = Histogram("handoff_time_to_agent_seconds", "From the transfer to an agent accepting",
                                       ["skill"], buckets=WAIT_BUCKETS, registry=r)
        self.relay = Histogram("handoff_relay_latency_seconds", "A message's way through the relay",
                               ["direction"], buckets=LATENCY_BUCKETS, registry=r)
        self.rasa_triggers = Counter("rasa_handoff_trigger_firings", "Handoff triggers that fired in Rasa",
                                     ["trigger", "reason", "mode"], registry=r)
        self.rasa_outside = Counter("rasa_out_of_coverage_messages",
                                    "Customer messages the bot could not answer", ["kind"], registry=r)
        self.rasa_messages = Counter("rasa_customer_messages", "Customer messages Rasa received", registry=r)
        self.rules = Counter("handoff_desk_rule_actions", "A desk rule changed what happened", ["rule"], registry=r)

    def render(self, snapshot: Snapshot) -> bytes:
        self._desk.snapshot = snapshot
        return generate_latest(self.registry)

    def session_opened(self, session: Session) -> None:
        reasons = session.context.get("reasons") if isinstance(session.context, dict) else None
        top = reasons[0] if isinstance(reasons, list) and reasons and isinstance(reasons[0], dict) else {}
        trigger = str(top.get("trigger") or "unknown")
        self.opened.labels(trigger, str(top.get("reason") or trigger), session.skill, session.priority).inc()

    async def changed(self, kind: str, item: Any) -> None:
        """A store listener: waits when an agent accepts, the relay's latency when a message is delivered."""
        now = datetime.now(timezone.utc)
        if kind == "session" and isinstance(item, Session) and item.status == ASSIGNED and item.assigned_at:
            if (now - item.assigned_at).total_seconds() < 5:  # this change is the accept
                self.time_to_agent.labels(item.skill).observe((item.assigned_at - item.created_at).total_seconds())
        elif kind == "message" and isinstance(item, Message) and item.sender == "agent" and item.status == DELIVERED:
            self.relay.labels("agent_to_customer").observe(max(0.0, (now - item.at).total_seconds()))

    def rasa_event(self, event: Mapping[str, Any]) -> None:
        """Rasa's event as the broker carries it: count what the handoff components did."""
        kind = event.get("event")
        if kind == "user":
            self.rasa_messages.inc()
            parse = event.get("parse_data") or {}
            intent = ((parse.get("intent") or {}).get("name") or "")
            coverage = parse.get("coverage")
            if intent == "nlu_fallback":
                self.rasa_outside.labels("nlu_fallback").inc()
            elif intent == "out_of_scope":
                self.rasa_outside.labels("out_of_scope").inc()
            elif isinstance(coverage, dict) and coverage.get("in_scope") is False:
                self.rasa_outside.labels("coverage").inc()
        elif kind == "slot" and event.get("name") == HANDOFF_SLOT and isinstance(event.get("value"), list):
            for reason in event["value"][:1]:
                if isinstance(reason, dict) and reason.get("trigger"):
                    trigger = str(reason["trigger"])
                    self.rasa_triggers.labels(trigger, str(reason.get("reason") or trigger),
                                              str(reason.get("mode") or "transfer")).inc()
                    if reason.get("rule"):  # a desk rule made it fire (load.idle)
                        self.rules.labels(str(reason["rule"])).inc()

    def customer_relayed(self, event: Mapping[str, Any]) -> None:
        written = event.get("timestamp")
        if isinstance(written, (int, float)) and not isinstance(written, bool):
            seconds = datetime.now(timezone.utc).timestamp() - float(written)
            self.relay.labels("customer_to_agent").observe(max(0.0, seconds))


def snapshot_rows(rows: List[Tuple[str, str, str, Any, Any]], now: datetime) -> Snapshot:
    """(status, skill, priority, created_at, left_message_at) of open sessions, plus counts by state."""
    snap = Snapshot()
    for status, skill, priority, created_at, left in rows:
        if status != "queued":
            continue
        if left is not None:
            snap.left_as_message[skill] = snap.left_as_message.get(skill, 0) + 1
            continue
        snap.queue[(skill, priority)] = snap.queue.get((skill, priority), 0) + 1
        created = created_at if created_at.tzinfo else created_at.replace(tzinfo=timezone.utc)
        snap.longest_wait[skill] = max(snap.longest_wait.get(skill, 0.0), (now - created).total_seconds())
    return snap
