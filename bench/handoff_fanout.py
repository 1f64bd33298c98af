"""Two handoff service instances on one PostgreSQL database: how long until an agent
whose console is connected to instance B hears of what arrives through instance A
(the action server and the event broker talk to A), over N handoffs with the real
Rasa, action and handoff servers (the test model). Needs PostgreSQL on 127.0.0.1:5432.

  trigger -> session on B's websocket     the customer's message sent, until B pushes the new session
  customer message -> B's websocket       the customer's message sent, until B pushes it

    .venv/bin/python bench/handoff_fanout.py [--handoffs 100]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import websockets  # noqa: E402

from bench.live_agent import print_table  # noqa: E402
from tests.servers import AGENT_TOKEN, Servers, base_env, train_test_model  # noqa: E402

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


async def next_frame(ws, kind: str, wanted) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
        if frame["type"] == kind and wanted(frame):
            return frame


async def run(servers: Servers, b_url: str, handoffs: int) -> Dict[str, List[float]]:
    timings: Dict[str, List[float]] = {"trigger -> session on B's websocket": [],
                                       "customer message -> B's websocket": []}
    url = b_url.replace("http://", "ws://") + "/api/ws"
    async with websockets.connect(url) as ws:
        await ws.send(json.dumps({"type": "auth", "token": AGENT_TOKEN}))  # the token goes in the first frame
        await next_frame(ws, "hello", lambda f: True)
        for i in range(handoffs + 1):  # the first is a warm-up, not counted
            sender = uuid.uuid4().hex
            started = time.perf_counter()
            say = asyncio.create_task(asyncio.to_thread(servers.say, sender, "I want to talk to a real person"))
            session = (await next_frame(ws, "session", lambda f: f["session"]["conversation_id"] == sender))["session"]
            took = time.perf_counter() - started
            await say
            started = time.perf_counter()
            say = asyncio.create_task(asyncio.to_thread(servers.say, sender, "my order never came"))
            await next_frame(ws, "message", lambda f: f["message"]["session_id"] == session["id"]
                             and f["message"]["sender"] == "customer")
            relayed = time.perf_counter() - started
            await say
            if i:
                timings["trigger -> session on B's websocket"].append(took)
                timings["customer message -> B's websocket"].append(relayed)
            await asyncio.to_thread(requests.post, f"{b_url}/api/sessions/{session['id']}/accept",
                                    headers={"Authorization": f"Bearer {AGENT_TOKEN}"}, timeout=30)
            await asyncio.to_thread(requests.post, f"{b_url}/api/sessions/{session['id']}/close",
                                    json={"return_to_bot": False},
                                    headers={"Authorization": f"Bearer {AGENT_TOKEN}"}, timeout=30)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--handoffs", type=int, default=100)
    args = parser.parse_args()
    model = train_test_model()
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(POSTGRES)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    servers = Servers(workdir, model, env={"HANDOFF_DB_URL": f"{POSTGRES}?options=-csearch_path%3D{schema}"})
    try:
        servers.start()  # Rasa, actions and instance A
        servers.start_handoff({**base_env(), "SHOP_DATA_DIR": str(workdir / "data")})  # instance B
        timings = asyncio.run(run(servers, servers.handoff_url, args.handoffs))
    finally:
        servers.stop()
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    print_table(f"{args.handoffs} handoffs, one at a time, REST customer, two handoff instances, 127.0.0.1",
                timings)


if __name__ == "__main__":
    main()
