"""The desk's figures and controls on the real handoff service (Rasa is a stand-in that
accepts every call): a scripted day in the tracker store read back through
GET /api/metrics (JSON and CSV), the Prometheus exposition parsed by prometheus-client's
own parser, and its token when one is configured."""
from __future__ import annotations

import csv
import http.server
import io
import sys
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from handoff.insights import tracker_source
from tests.insights.scripted import EXPECTED, LOOP, day
from tests.local_http import serving
from tests.e2e.test_service_schema import RasaStandIn
from tests.servers import AGENT_TOKEN, SERVICE_TOKEN, Process, base_env, free_port, start, wait_until_up

pytestmark = pytest.mark.e2e
DAY = "since=2026-11-30&until=2026-12-01"


def run_service(workdir: Path, rasa_port: int, **extra: str) -> tuple:
    port = free_port()
    env = {**base_env(), "HANDOFF_PORT": str(port), "HOST": "127.0.0.1", "SHOP_DATA_DIR": str(workdir),
           "RASA_URL": f"http://127.0.0.1:{rasa_port}", "RASA_TOKEN": "rasa-token",
           "HANDOFF_AGENT_TOKEN": AGENT_TOKEN, "HANDOFF_SERVICE_TOKEN": SERVICE_TOKEN,
           "HANDOFF_TRACKER_DB_URL": f"sqlite:///{workdir / 'tracker.db'}", "HANDOFF_AGENT_IDLE": "86400", **extra}
    process = start(f"handoff-{port}", [sys.executable, "-m", "handoff", "serve"], workdir, env)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(process, f"{url}/health")
    return url, process


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    workdir = tmp_path_factory.mktemp("desk")
    engine = tracker_source.tracker_engine(f"sqlite:///{workdir / 'tracker.db'}")
    tracker_source.ensure_table(engine)
    tracker_source.insert_events(engine, [{"sender_id": name, "event": e} for name, events in day().items()
                                          for e in events])
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), RasaStandIn)) as rasa:
        url, process = run_service(workdir, rasa.server_address[1])
        try:
            yield {"url": url, "workdir": workdir, "rasa_port": rasa.server_address[1], "process": process}
        finally:
            process.stop()


def call(desk: Dict[str, Any], method: str, path: str, token: Optional[str] = AGENT_TOKEN,
         **kw: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{desk['url']}{path}", headers=headers, timeout=30, **kw)


def test_the_scripted_day_reads_back_as_counted_by_hand(desk: Dict[str, Any]) -> None:
    figures = call(desk, "GET", f"/api/metrics?{DAY}").json()
    assert figures["containment"]["conversations"] == EXPECTED["conversations"]
    assert figures["containment"]["resolved_by_bot"] == EXPECTED["resolved_by_bot"]
    assert figures["containment"]["abandoned_in_bot"] == EXPECTED["abandoned_in_bot"]
    assert figures["error_rate"]["customer_messages"] == EXPECTED["customer_messages"]
    assert figures["error_rate"]["fallbacks"] == EXPECTED["fallbacks"]
    assert figures["task_completion"]["all"]["bookings_made"] == EXPECTED["bookings_made"]
    assert figures["csat"]["bot_only"]["average"] == 4.0
    for field in ("sessions", "by_status", "by_reason", "rating", "time_to_agent_seconds"):  # today's fields
        assert field in figures
    rows = dict(csv.reader(io.StringIO(call(desk, "GET", f"/api/metrics?{DAY}&format=csv").text)))
    assert rows["containment.conversations"] == "7" and rows["error_rate.fallbacks"] == "2"
    empty = call(desk, "GET", "/api/metrics?until=2026-11-01&since=2026-11-30").json()  # an empty period
    assert empty["containment"]["conversations"] == 0 and empty["containment"]["rate"] is None
    assert call(desk, "GET", "/api/metrics?until=tomorrow").status_code == 400
    assert call(desk, "GET", "/api/metrics?format=xml").status_code == 400


def families(text: str) -> Dict[str, Any]:
    return {f.name: f for f in text_string_to_metric_families(text)}


def test_prometheus_reads_the_desk_and_the_rasa_side(desk: Dict[str, Any]) -> None:
    context = {"conversation_id": "prom-1", "skill": "payments", "priority": "high",
               "reasons": [{"trigger": "gray_area", "reason": "gray_area:chargeback_fraud"}]}
    assert call(desk, "POST", "/api/handoffs", SERVICE_TOKEN, json={"context": context}).status_code == 201
    call(desk, "POST", "/api/events", SERVICE_TOKEN, json={"event": "slot", "sender_id": "x", "name": "handoff_reasons",
                                                           "value": LOOP, "handoff_event_id": "e-1"})
    call(desk, "POST", "/api/events", SERVICE_TOKEN, json={
        "event": "user", "sender_id": "y", "text": "fix my car", "timestamp": 1.0, "handoff_event_id": "e-2",
        "parse_data": {"intent": {"name": "faq"}, "coverage": {"in_scope": False}}})
    reply = call(desk, "GET", "/metrics", token=None)
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    found = families(reply.text)
    queue = {(s.labels["skill"], s.labels["priority"]): s.value for s in found["handoff_queue_length"].samples}
    assert queue[("payments", "high")] == 1
    states = {s.labels["state"]: s.value for s in found["handoff_sessions"].samples}
    assert states["queued"] >= 1 and found["handoff_agents_present"].samples[0].value >= 0
    opened = [s for s in found["handoff_sessions_opened"].samples if s.name.endswith("_total")]
    assert any(s.labels["reason"] == "gray_area:chargeback_fraud" and s.value == 1 for s in opened)
    fired = [s for s in found["rasa_handoff_trigger_firings"].samples if s.name.endswith("_total")]
    assert any(s.labels["trigger"] == "loop" and s.value == 1 for s in fired)
    outside = [s for s in found["rasa_out_of_coverage_messages"].samples if s.name.endswith("_total")]
    assert any(s.labels["kind"] == "coverage" and s.value == 1 for s in outside)
    assert "handoff_relay_latency_seconds" in found and "handoff_events_pending_delivery" in found


def test_a_metrics_token_is_required_once_configured(desk: Dict[str, Any], tmp_path: Path) -> None:
    url, process = run_service(tmp_path, desk["rasa_port"], HANDOFF_METRICS_TOKEN="scrape-secret")
    try:
        assert requests.get(f"{url}/metrics", timeout=10).status_code == 401
        wrong = requests.get(f"{url}/metrics", headers={"Authorization": "Bearer nope"}, timeout=10)
        assert wrong.status_code == 401
        right = requests.get(f"{url}/metrics", headers={"Authorization": "Bearer scrape-secret"}, timeout=10)
        assert right.status_code == 200 and "handoff_queue_length" in right.text
    finally:
        process.stop()


def test_the_desk_side_of_a_day_reads_back_through_the_api(desk: Dict[str, Any]) -> None:
    """One transfer an agent takes, answers and hands back, rated 4; one customer who leaves the queue."""
    import time
    from datetime import datetime, timedelta, timezone

    started = datetime.now(timezone.utc) - timedelta(seconds=1)
    service = lambda path, body: call(desk, "POST", path, SERVICE_TOKEN, json=body)  # noqa: E731
    helped = service("/api/handoffs", {"context": {"conversation_id": "day-helped", "skill": "orders",
                                                   "reasons": [{"trigger": "explicit"}]}}).json()["session"]
    gone = service("/api/handoffs", {"context": {"conversation_id": "day-gone", "skill": "orders",
                                                 "reasons": [{"trigger": "sentiment"}]}}).json()["session"]
    path = f"/api/sessions/{helped['id']}"
    assert call(desk, "POST", f"{path}/accept").status_code == 200
    assert call(desk, "POST", f"{path}/messages", json={"text": "Hello, I'm on it."}).status_code in (201, 202)
    assert call(desk, "POST", f"{path}/close", json={"return_to_bot": True}).status_code == 200
    assert service("/api/ratings", {"conversation_id": "day-helped", "rating": 4}).status_code == 200
    service("/api/events", {"event": "user", "sender_id": "day-gone", "text": "never mind", "handoff_event_id": "g-1",
                            "timestamp": time.time() + 1, "parse_data": {"intent": {"name": "stop", "confidence": 0.9}}})
    deadline = time.monotonic() + 10
    while call(desk, "GET", f"/api/sessions/{gone['id']}").json()["session"]["status"] != "abandoned":
        assert time.monotonic() < deadline, "the customer did not leave the queue"
        time.sleep(0.2)
    figures = call(desk, "GET", "/api/metrics", params={"since": started.isoformat(), "skill": "orders"}).json()
    assert (figures["sessions"], figures["containment"]["abandoned_in_queue"]) == (2, 1)
    assert figures["containment"]["abandoned_in_queue_rate"] == 0.5
    assert figures["csat"]["after_agent"] == {"count": 1, "average": 4.0, "satisfied_share": 1.0}
    speed = figures["speed"]
    assert speed["time_to_agent_seconds"]["mean"] is not None and speed["agent_first_response_seconds"]["mean"] >= 0
    assert speed["handle_time_seconds"]["mean"] >= 0 and figures["cost"]["agents"] >= 0
