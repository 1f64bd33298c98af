"""Live-agent latencies over N handoffs with the real Rasa, action and handoff servers
(the test model): a customer on socket.io (websocket) asks for a person; an agent
uses the JSON API as the console does.

  trigger -> session visible   the customer's message sent, until the session is in the queue
  agent message -> customer    the agent's POST, until the customer's socket receives it
  customer message -> agent    the customer's message sent, until the agent's API returns it

    .venv/bin/python bench/live_agent.py [--handoffs 100]
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import socketio  # noqa: E402

from tests.servers import AGENT_TOKEN, Servers, train_test_model  # noqa: E402

POLL = 0.005


async def until(check, timeout: float = 30.0):
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(POLL)
    raise TimeoutError("nothing arrived in time")


async def one_handoff(servers: Servers, http: aiohttp.ClientSession, timings: Dict[str, List[float]]) -> None:
    api = servers.handoff_url
    client = socketio.AsyncClient(reconnection=False)
    heard: asyncio.Queue = asyncio.Queue()
    client.on("bot_uttered", heard.put)
    sender = uuid.uuid4().hex
    await client.connect(servers.rasa_url, socketio_path="/socket.io", transports=["websocket"])
    try:
        await client.emit("session_request", {"session_id": sender})
        await asyncio.sleep(0.2)

        async def queued():
            async with http.get(f"{api}/api/sessions?status=queued") as response:
                return next((s for s in (await response.json())["sessions"] if s["conversation_id"] == sender), None)

        started = time.perf_counter()
        await client.emit("user_uttered", {"message": "I want to talk to a real person", "session_id": sender})
        session = await until(queued)
        timings["trigger -> session visible"].append(time.perf_counter() - started)
        await asyncio.wait_for(heard.get(), 30)  # "I'm passing you to ..."
        path = f"{api}/api/sessions/{session['id']}"
        async with http.post(f"{path}/accept") as response:
            assert response.status == 200, await response.text()

        started = time.perf_counter()
        async with http.post(f"{path}/messages", json={"text": "Hello, how can I help?"}) as response:
            assert response.status == 201, await response.text()
        while (await asyncio.wait_for(heard.get(), 30))["text"] != "Hello, how can I help?":
            pass
        timings["agent message -> customer"].append(time.perf_counter() - started)

        async def relayed():
            async with http.get(path) as response:
                return [m for m in (await response.json())["messages"] if m["sender"] == "customer"]

        started = time.perf_counter()
        await client.emit("user_uttered", {"message": "my order never came", "session_id": sender})
        await until(relayed)
        timings["customer message -> agent"].append(time.perf_counter() - started)
        async with http.post(f"{path}/close", json={"return_to_bot": False}) as response:
            assert response.status == 200, await response.text()
    finally:
        await client.disconnect()


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def run(servers: Servers, handoffs: int) -> Dict[str, List[float]]:
    timings: Dict[str, List[float]] = {k: [] for k in (
        "trigger -> session visible", "agent message -> customer", "customer message -> agent")}
    headers = {"Authorization": f"Bearer {AGENT_TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        await one_handoff(servers, http, {k: [] for k in timings})  # warm-up, not counted
        for _ in range(handoffs):
            await one_handoff(servers, http, timings)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--handoffs", type=int, default=100)
    args = parser.parse_args()
    model = train_test_model()
    servers = Servers(Path(tempfile.mkdtemp(prefix="bench-live-")), model).start()
    try:
        timings = asyncio.run(run(servers, args.handoffs))
    finally:
        servers.stop()
    print_table(f"{args.handoffs} handoffs, one at a time, socket.io customer, 127.0.0.1", timings)


def print_table(title: str, timings: Dict[str, List[float]]) -> None:
    print(f"\n{title}\n")
    print("| path | p50 | p95 |\n|---|---|---|")
    for name, values in timings.items():
        print(f"| {name} | {1000 * percentile(values, 50):.0f} ms | {1000 * percentile(values, 95):.0f} ms |")


if __name__ == "__main__":
    main()
