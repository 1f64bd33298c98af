"""The scale-out path of the README: two Rasa servers behind one conversation, sharing
Rasa's SQL tracker store on PostgreSQL and its Redis lock store, publishing every
event to RabbitMQ through Rasa's Pika broker; replay reads the PostgreSQL store; two
handoff service instances share their sessions and agents' presence on PostgreSQL."""
from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import sqlalchemy as sa
import yaml

from tests.conftest import require
from tests.servers import AGENT_TOKEN, ROOT, Servers, base_env

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
PG = {"type": "bot.tracker_store.LeanSQLTrackerStore", "dialect": "postgresql", "url": "127.0.0.1", "port": 5432, "db": "test",
      "username": "postgres", "password": ""}


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def scale_out(test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict]:
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379), ("RabbitMQ", 5672)):
        require(listening(port), f"{name} is not listening on 127.0.0.1:{port}")
    queue = f"rasa_events_{uuid.uuid4().hex[:8]}"
    handoff_queue = f"handoff_events_{uuid.uuid4().hex[:8]}"  # the handoff service's own
    endpoints = {
        "tracker_store": PG,
        "lock_store": {"type": "redis", "url": "127.0.0.1", "port": 6379, "db": 1,
                       "key_prefix": f"test{uuid.uuid4().hex[:6]}"},
        "event_broker": {"type": "pika", "url": "127.0.0.1", "port": 5672, "username": "guest",
                         "password": "guest", "queues": [queue, handoff_queue]},
    }
    # Two handoff service instances too, on one PostgreSQL database (a schema of its own
    # here), both consuming the handoff queue. The agent logs in on the second one only;
    # the action server posts transfers to the first.
    schema = f"handoff_{uuid.uuid4().hex[:8]}"
    with sa.create_engine(POSTGRES).begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    service_env = {"HANDOFF_RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/",
                   "HANDOFF_RABBITMQ_QUEUE": handoff_queue,
                   "HANDOFF_DB_URL": f"{POSTGRES}?options=-csearch_path%3D{schema}"}
    first = Servers(tmp_path_factory.mktemp("rasa-a"), test_model, endpoints=endpoints, env=service_env,
                    agent_on_duty=False)
    second = Servers(tmp_path_factory.mktemp("rasa-b"), test_model, endpoints=endpoints, env=service_env)
    try:
        first.start()
        second.actions_url = first.actions_url
        second.start()
        second.start_handoff({**base_env(), "SHOP_DATA_DIR": str(second.workdir / "data")})
        yield {"servers": (first, second), "queue": queue, "workdir": first.workdir}
    finally:
        second.stop()
        first.stop()
        asyncio.run(_delete_queue(queue))
        asyncio.run(_delete_queue(handoff_queue))
        with sa.create_engine(POSTGRES).begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


async def _delete_queue(queue: str) -> None:
    import aio_pika

    connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1:5672/")
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)


async def _drain(queue: str, sender: str) -> List[dict]:
    import aio_pika

    events = []
    connection = await aio_pika.connect_robust("amqp://guest:guest@127.0.0.1:5672/")
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True)
        while True:
            message = await declared.get(no_ack=True, fail=False)
            if message is None:
                return events
            event = json.loads(message.body)
            if event.get("sender_id") == sender:
                events.append(event)


def text_of(messages: List[dict]) -> str:
    return " ".join(m.get("text", "") for m in messages)


def test_one_conversation_across_two_servers(scale_out: Dict) -> None:
    first, second = scale_out["servers"]
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    assert "email" in text_of(first.say(sender, "where is my order 10001")).lower()
    assert "shipped" in text_of(second.say(sender, "alice@example.com")).lower()
    texts = [e.get("text") for e in first.tracker(sender)["events"] if e["event"] == "user"]
    assert texts == ["where is my order 10001", "alice@example.com"]
    with sa.create_engine(POSTGRES).connect() as connection:
        stored = connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
    assert stored >= 4


def test_every_event_reaches_rabbitmq_with_its_sentiment(scale_out: Dict) -> None:
    first, second = scale_out["servers"]
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    first.say(sender, "hi")
    second.say(sender, "this is useless, I've asked three times!!")
    users = [e for e in asyncio.run(_drain(scale_out["queue"], sender)) if e["event"] == "user"]
    assert [e["text"] for e in users] == ["hi", "this is useless, I've asked three times!!"]
    assert users[1]["parse_data"]["sentiment"]["label"] == "negative"


def test_a_handoff_on_one_server_is_seen_by_the_other_and_by_replay(scale_out: Dict) -> None:
    first, second = scale_out["servers"]
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    first.say(sender, "do you ship to Canada?")
    second.say(sender, "I want to talk to a real person")
    tracker = first.tracker(sender)
    # Paused, so on duty: the instance the transfer went to knows the agent only from the
    # presence the other instance shared through PostgreSQL.
    assert any(e["event"] == "pause" for e in tracker["events"])
    assert tracker["slots"]["handoff_reasons"][0]["trigger"] == "explicit"
    endpoints = scale_out["workdir"] / "replay-endpoints.yml"
    endpoints.write_text(yaml.safe_dump({"tracker_store": PG}))
    result = subprocess.run([sys.executable, "-m", "handoff", "replay", "--endpoints", str(endpoints), "--json"],
                            cwd=ROOT, env=base_env(), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    replayed = {c["conversation_id"]: c for c in json.loads(result.stdout)["results"]}
    assert replayed[sender]["hands_off"] and replayed[sender]["turn"] == 2
    assert replayed[sender]["reasons"][0]["trigger"] == "explicit"


def test_the_agent_hears_the_customer_through_rabbitmq(scale_out: Dict) -> None:
    import requests

    first, second = scale_out["servers"]
    headers = {"Authorization": f"Bearer {AGENT_TOKEN}"}
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    second.say(sender, "can I talk to a human please")
    queued = requests.get(f"{first.handoff_url}/api/sessions?status=queued", headers=headers, timeout=30).json()
    session = next(s for s in queued["sessions"] if s["conversation_id"] == sender)
    first.say(sender, "I'm on server A now")
    second.say(sender, "and now on server B")
    deadline = time.monotonic() + 15
    texts: List[str] = []
    while len(texts) < 2 and time.monotonic() < deadline:
        detail = requests.get(f"{first.handoff_url}/api/sessions/{session['id']}", headers=headers, timeout=30).json()
        texts = [m["text"] for m in detail["messages"] if m["sender"] == "customer"]
        time.sleep(0.1)
    assert texts == ["I'm on server A now", "and now on server B"]


async def test_two_handoff_service_instances_serve_one_desk(scale_out: Dict) -> None:
    import requests
    import websockets

    first, second = scale_out["servers"]  # the action server posts transfers to the first instance
    headers = {"Authorization": f"Bearer {AGENT_TOKEN}"}
    url = second.handoff_url.replace("http://", "ws://") + "/api/ws"
    sender = f"scale-{uuid.uuid4().hex[:8]}"
    async with websockets.connect(url) as ws:  # the agent's console talks to the second instance
        await ws.send(json.dumps({"type": "auth", "token": AGENT_TOKEN}))

        async def next_frame(kind: str) -> dict:
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == kind:
                    return frame

        assert (await next_frame("hello"))["agent"] == "demo"
        reply = await asyncio.to_thread(first.say, sender, "can I talk to a human please")
        assert "queue" in text_of(reply)  # on duty: the first instance knows the agent from the database
        session = (await next_frame("session"))["session"]
        assert session["conversation_id"] == sender and session["status"] == "queued"
        await asyncio.to_thread(second.say, sender, "it's about order 10001")
        message = (await next_frame("message"))["message"]
        assert (message["session_id"], message["text"]) == (session["id"], "it's about order 10001")

    def agent(method: str, path: str, body: dict = None) -> requests.Response:
        return requests.request(method, f"{second.handoff_url}{path}", json=body, headers=headers, timeout=30)

    assert (await asyncio.to_thread(agent, "POST", f"/api/sessions/{session['id']}/accept")).status_code == 200
    again = requests.post(f"{first.handoff_url}/api/sessions/{session['id']}/accept", headers=headers, timeout=30)
    assert again.status_code == 409  # the other instance sees the same session taken
    sent = await asyncio.to_thread(agent, "POST", f"/api/sessions/{session['id']}/messages", {"text": "Hi, Kim here."})
    assert sent.status_code == 201
    bots = [e.get("text") for e in first.tracker(sender)["events"] if e["event"] == "bot"]
    assert bots[-1] == "Hi, Kim here."
