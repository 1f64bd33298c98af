"""The relay's faults on the scale-out path: Rasa's Pika broker publishes to RabbitMQ,
the handoff service consumes the queue and keeps its sessions in PostgreSQL. The
service is killed while the customer writes, RabbitMQ redelivers what was stored but
not acknowledged, agents race for sessions: exact counts, as on the embedded default."""
from __future__ import annotations

import asyncio
import hashlib
import json
import signal
import threading
import time
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest
import requests
import sqlalchemy as sa
import yaml

from tests.conftest import require
from tests.e2e.test_relay_faults import (AGENTS, accepted, agent_message_with_rasa_frozen, api, close,
                                         customer_lines, service_killed_mid_send)
from tests.e2e.test_scale_out import PG, POSTGRES, _delete_queue, listening
from tests.servers import SERVICE_TOKEN, Servers

RABBITMQ = "amqp://guest:guest@127.0.0.1:5672/"


@pytest.fixture(scope="module")
def scaled(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    for name, port in (("PostgreSQL", 5432), ("RabbitMQ", 5672)):
        require(listening(port), f"{name} is not listening on 127.0.0.1:{port}")
    queue, schema = f"relay_events_{uuid.uuid4().hex[:8]}", f"relay_{uuid.uuid4().hex[:8]}"
    with sa.create_engine(POSTGRES).begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    workdir = tmp_path_factory.mktemp("relay-scaled")
    agents = workdir / "agents.yml"
    agents.write_text(yaml.safe_dump([{"name": name, "token_sha256": hashlib.sha256(token.encode()).hexdigest(),
                                       "capacity": 3} for name, token in AGENTS.items()]))
    endpoints = {"tracker_store": PG,
                 "event_broker": {"type": "pika", "url": "127.0.0.1", "port": 5672, "username": "guest",
                                  "password": "guest", "queues": [queue]}}
    env = {"HANDOFF_RABBITMQ_URL": RABBITMQ, "HANDOFF_RABBITMQ_QUEUE": queue, "HANDOFF_AGENTS": str(agents),
           "HANDOFF_DB_URL": f"{POSTGRES}?options=-csearch_path%3D{schema}", "HANDOFF_RECONCILE": "2",
           "HANDOFF_RASA_TIMEOUT": "4"}
    running = Servers(workdir, test_model, endpoints=endpoints, env=env)
    try:
        yield running.start()
    finally:
        running.stop()
        asyncio.run(_delete_queue(queue))
        with sa.create_engine(POSTGRES).begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


async def _publish(queue: str, events: List[dict]) -> None:
    import aio_pika

    connection = await aio_pika.connect_robust(RABBITMQ)
    async with connection:
        channel = await connection.channel()
        for event in events:
            await channel.default_exchange.publish(aio_pika.Message(json.dumps(event).encode()), routing_key=queue)


def test_service_killed_while_the_customer_writes_loses_nothing(scaled: Servers) -> None:
    sender, session_id = accepted(scaled)
    scaled.process("handoff").signal(signal.SIGKILL)
    sent = [f"message {i} through RabbitMQ" for i in range(5)]
    for text in sent:
        scaled.say(sender, text)
    time.sleep(2.0)
    scaled.process("handoff").respawn()
    assert customer_lines(scaled, session_id, 5) == sent
    # and the desk is still staffed after the restart (presence in PostgreSQL)
    context = {"conversation_id": f"presence-{uuid.uuid4().hex[:8]}", "skill": "general", "priority": "normal"}
    assert api(scaled, "POST", "/api/handoffs", {"context": context}, token=SERVICE_TOKEN).json()["on_duty"] is True
    close(scaled, session_id)


def test_a_redelivered_event_is_recognised(scaled: Servers) -> None:
    sender, session_id = accepted(scaled)
    scaled.say(sender, "only once please")
    assert customer_lines(scaled, session_id, 1) == ["only once please"]
    original = next(e for e in scaled.tracker(sender)["events"] if e["event"] == "user"
                    and e["text"] == "only once please")
    later = {**original, "text": "after the copy", "timestamp": time.time(), "message_id": uuid.uuid4().hex}
    # RabbitMQ delivers it again, as after a crash between storing and acknowledging it
    asyncio.run(_publish(scaled.env["HANDOFF_RABBITMQ_QUEUE"], [{"sender_id": sender, **original},
                                                                 {"sender_id": sender, **later}]))
    assert customer_lines(scaled, session_id, 2) == ["only once please", "after the copy"]
    close(scaled, session_id)


def test_concurrent_accepts_on_postgresql_stop_at_capacity(scaled: Servers) -> None:
    ids = []
    for _ in range(6):
        context = {"conversation_id": f"cap-{uuid.uuid4().hex[:8]}", "skill": "general", "priority": "normal"}
        ids.append(api(scaled, "POST", "/api/handoffs", {"context": context}, token=SERVICE_TOKEN).json()["session"]["id"])
    results: List[requests.Response] = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        api(scaled, "POST", f"/api/sessions/{i}/accept", token=AGENTS["kim"]))) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results) == [200, 200, 200, 409, 409, 409]
    assert "the limit is 3" in next(r for r in results if r.status_code == 409).json()["error"]


def test_agent_message_with_rasa_frozen_arrives_once(scaled: Servers) -> None:
    agent_message_with_rasa_frozen(scaled)


def test_service_killed_mid_send_gives_no_false_failure_and_no_duplicate(scaled: Servers) -> None:
    service_killed_mid_send(scaled)


def test_rasa_killed_with_messages_in_rabbitmq_loses_and_doubles_nothing(scaled: Servers) -> None:
    sender, session_id = accepted(scaled)
    service = scaled.process("handoff")
    service.signal(signal.SIGSTOP)  # the consumer stops: RabbitMQ holds the events
    sent = ["first before the crash", "second before the crash", "third before the crash"]
    try:
        for text in sent:
            scaled.say(sender, text)
        # Rasa's Pika broker publishes each event from a background task after the reply
        # (rasa/core/brokers/pika.py): what is still in Rasa's memory dies with it. The
        # scenario is a crash with the events already in RabbitMQ, so give them time to leave.
        time.sleep(2.0)
        scaled.process("rasa").signal(signal.SIGKILL)  # the last test of the module: Rasa stays down
    finally:
        service.signal(signal.SIGCONT)
    assert customer_lines(scaled, session_id, 3) == sent
