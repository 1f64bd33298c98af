"""The relay under faults and load, with the real Rasa, action and handoff servers (the
test model, embedded default: SQLite and our event broker).

1. Faults: N handoffs (10 at a time); each customer (REST channel) and agent (JSON API,
   ids on every message, retried with the same id as the console does) exchange 3
   messages each way, then the agent closes. Meanwhile each process (handoff service,
   Rasa, action server) is killed once with SIGKILL at a random moment and started
   again. Counted against Rasa's tracker, the truth of what the customer wrote and got:
   customer and agent messages lost, duplicated, out of order; sessions and
   conversations that disagree at the end (an open session, a paused conversation).
2. Load: 40 sessions at once, socket.io customers, 5 messages each way; relay latency
   customer -> agent (until the agent's websocket has it) and agent -> customer (until
   the customer's socket has it), p50 and p95; and the same counts.

    .venv/bin/python bench/relay_faults.py [--handoffs 100] [--sessions 40]
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import socketio  # noqa: E402
import yaml  # noqa: E402

from tests.servers import TOKEN, Servers, train_test_model  # noqa: E402

AGENT, AGENT_TOKEN = "bench", "bench-agent-token"
RETRY = (aiohttp.ClientError, asyncio.TimeoutError)


class Bench:
    def __init__(self, servers: Servers, http: aiohttp.ClientSession) -> None:
        self.servers, self.http = servers, http
        self.agent_sent: Dict[str, List[str]] = {}   # conversation -> agent message ids, in order
        self.sessions: Dict[str, str] = {}           # conversation -> session id
        self.callback_offers = 0

    async def call(self, method: str, url: str, body: Any = None, ok: tuple = (200, 201, 202),
                   within: float = 240.0) -> Any:
        """Retried on connection errors and 5xx until it answers one of `ok` (a process may be down)."""
        deadline = time.monotonic() + within
        while True:
            try:
                async with self.http.request(method, url, json=body, timeout=aiohttp.ClientTimeout(total=90)) as r:
                    if r.status in ok:
                        return await r.json()
                    problem = f"{r.status} {await r.text()}"
                    if r.status < 500:
                        raise RuntimeError(f"{method} {url}: {problem}")
            except RETRY as exc:
                problem = repr(exc)
            if time.monotonic() > deadline:
                raise RuntimeError(f"{method} {url} kept failing: {problem}")
            await asyncio.sleep(1.0)

    async def say(self, sender: str, text: str) -> List[dict]:
        return await self.call("POST", f"{self.servers.rasa_url}/webhooks/rest/webhook",
                               {"sender": sender, "message": text})

    def api(self, path: str) -> str:
        return f"{self.servers.handoff_url}{path}"

    async def transfer(self, sender: str) -> str:
        """Until a person takes the chat (the action server may be down: the customer asks again)."""
        for _ in range(30):
            reply = " ".join(m.get("text", "") for m in await self.say(sender, "I want to speak to a real person"))
            if "queue" in reply:
                break
            if "callback" in reply:
                self.callback_offers += 1
            await asyncio.sleep(2.0)
        else:
            raise RuntimeError(f"{sender} never got through to a person")
        queued = await self.call("GET", self.api("/api/sessions?status=queued,assigned,active"))
        session = next(s for s in queued["sessions"] if s["conversation_id"] == sender)
        try:
            await self.call("POST", self.api(f"/api/sessions/{session['id']}/accept"))
        except RuntimeError as exc:
            if f"accepted by {AGENT}" not in str(exc):  # our own accept went through before a crash
                raise
        self.sessions[sender] = session["id"]
        return session["id"]

    async def agent_says(self, sender: str, session_id: str, text: str) -> None:
        """As the console: one id, retried until the message is delivered."""
        key = f"{sender}-{len(self.agent_sent.setdefault(sender, []))}"
        self.agent_sent[sender].append(key)
        for _ in range(300):
            answer = await self.call("POST", self.api(f"/api/sessions/{session_id}/messages"),
                                     {"text": text, "id": key}, ok=(201, 202, 502))
            if (answer.get("message") or {}).get("status") == "delivered":
                return
            await asyncio.sleep(1.0)
        raise RuntimeError(f"agent message {key} was never delivered")

    async def handoff(self, n: int, exchanges: int) -> None:
        sender = f"faults-{n}-{uuid.uuid4().hex[:6]}"
        session_id = await self.transfer(sender)
        for k in range(exchanges):
            await self.say(sender, f"{sender} customer {k}")
            await self.agent_says(sender, session_id, f"{sender} agent {k}")
        await self.call("POST", self.api(f"/api/sessions/{session_id}/close"), {"return_to_bot": False})

    async def count(self, settle: float = 20.0) -> Dict[str, int]:
        """Lost, duplicated, out of order, each way; open or paused at the end."""
        await asyncio.sleep(settle)  # outbox drained, reconciliation run
        totals: Counter = Counter()
        for sender, session_id in self.sessions.items():
            tracker = await self.call("GET", f"{self.servers.rasa_url}/conversations/{sender}/tracker?token={TOKEN}")
            detail = await self.call("GET", self.api(f"/api/sessions/{session_id}"))
            events = tracker["events"]
            wrote = [e["text"] for e in events if e["event"] == "user" and e.get("text", "").startswith(sender)]
            got = [m["text"] for m in detail["messages"] if m["sender"] == "customer"]
            totals.update(compare(wrote, got, "customer", sender))
            totals["other customer messages relayed"] += sum(1 for text in got if not text.startswith(sender))
            delivered = [(e.get("metadata") or {}).get("message_id") for e in events if e["event"] == "bot"]
            delivered = [d for d in delivered if d in self.agent_sent.get(sender, [])]
            totals.update(compare(self.agent_sent.get(sender, []), delivered, "agent"))
            totals["sent customer"] += len(wrote)
            totals["sent agent"] += len(self.agent_sent.get(sender, []))
            totals["inconsistent at the end"] += int(detail["session"]["status"] in ("queued", "assigned", "active")
                                                     or bool(tracker.get("paused")))
        return dict(totals)


def compare(sent: List[str], received: List[str], way: str, own: str = "") -> Dict[str, int]:
    """Lost, duplicated, out of order. Only the bench's own messages (those starting with `own`)
    are counted: after a fault the customer asks for a person again, and a request written
    after the session opened reaches the agent as what it is, one more customer message."""
    received = [m for m in received if m.startswith(own)]
    want, have = Counter(sent), Counter(received)
    lost = sum((want - have).values())
    doubled = sum((have - want).values())
    firsts = list(dict.fromkeys(received))
    order = int([m for m in firsts if m in want] != [m for m in dict.fromkeys(sent) if m in have])
    return {f"{way} lost": lost, f"{way} duplicated": doubled, f"{way} sessions out of order": order}


async def chaos(servers: Servers, within: float, log: List[str]) -> None:
    """Each process killed once, at a random moment, and started again."""
    moments = sorted((random.uniform(3, within), name) for name in ("handoff", "rasa", "actions"))
    started = time.monotonic()
    for moment, name in moments:
        await asyncio.sleep(max(0.0, moment - (time.monotonic() - started)))
        process = servers.process(name)
        process.signal(signal.SIGKILL)
        log.append(f"{name} killed at {time.monotonic() - started:.1f} s")
        await asyncio.to_thread(process.respawn)
        log.append(f"{name} back at {time.monotonic() - started:.1f} s")


async def faults(servers: Servers, handoffs: int) -> None:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {AGENT_TOKEN}"}) as http:
        bench, log = Bench(servers, http), []
        slots = asyncio.Semaphore(10)

        async def one(n: int) -> None:
            async with slots:
                await bench.handoff(n, 3)

        started = time.monotonic()
        trouble = asyncio.ensure_future(chaos(servers, 60.0, log))
        results = await asyncio.gather(*(one(n) for n in range(handoffs)), return_exceptions=True)
        await trouble
        errors = [r for r in results if isinstance(r, Exception)]
        totals = await bench.count()
        print(f"\n## {handoffs} handoffs, 3 messages each way, one SIGKILL of each process "
              f"({time.monotonic() - started:.0f} s)\n")
        print("\n".join(f"- {line}" for line in log))
        print(f"- handoffs that failed for good: {len(errors)} {errors[:3] if errors else ''}")
        print(f"- customers answered with the callback offer (the action server or the handoff service was down): "
              f"{bench.callback_offers}")
        _print_counts(totals)


def _print_counts(totals: Dict[str, int]) -> None:
    print(f"- customer -> agent: {totals.get('sent customer', 0)} sent, {totals.get('customer lost', 0)} lost, "
          f"{totals.get('customer duplicated', 0)} duplicated, "
          f"{totals.get('customer sessions out of order', 0)} sessions out of order")
    print(f"- agent -> customer: {totals.get('sent agent', 0)} sent, {totals.get('agent lost', 0)} lost, "
          f"{totals.get('agent duplicated', 0)} duplicated, "
          f"{totals.get('agent sessions out of order', 0)} sessions out of order")
    print(f"- other customer messages relayed (asking for a person again after a fault): "
          f"{totals.get('other customer messages relayed', 0)}")
    print(f"- sessions or conversations inconsistent at the end: {totals.get('inconsistent at the end', 0)}")


async def load(servers: Servers, sessions: int, per_way: int = 5) -> None:
    latency: Dict[str, List[float]] = {"customer -> agent": [], "agent -> customer": []}
    arrived: Dict[str, asyncio.Future] = {}
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {AGENT_TOKEN}"}) as http:
        bench = Bench(servers, http)
        ws_url = servers.handoff_url.replace("http://", "ws://") + "/api/ws"
        async with http.ws_connect(ws_url) as agent_socket:
            await agent_socket.send_json({"type": "auth", "token": AGENT_TOKEN})  # the token goes in the first frame

            async def agent_hears() -> None:
                async for frame in agent_socket:
                    data = json.loads(frame.data)
                    text = (data.get("message") or {}).get("text", "")
                    if data.get("type") == "message" and text in arrived and not arrived[text].done():
                        arrived[text].set_result(time.perf_counter())

            listening = asyncio.ensure_future(agent_hears())

            async def one(n: int) -> None:
                customer = socketio.AsyncClient(reconnection=False)
                waiting: Dict[str, asyncio.Future] = {}

                async def on_bot(message: dict) -> None:
                    text = message.get("text", "")
                    if text in waiting and not waiting[text].done():
                        waiting[text].set_result(time.perf_counter())
                customer.on("bot_uttered", on_bot)
                sender = f"load-{n}-{uuid.uuid4().hex[:6]}"
                await customer.connect(servers.rasa_url, socketio_path="/socket.io", transports=["websocket"])
                try:
                    await customer.emit("session_request", {"session_id": sender})
                    await asyncio.sleep(0.5)
                    await customer.emit("user_uttered", {"message": "I want to talk to a real person",
                                                         "session_id": sender})
                    session_id = await _session_of(bench, sender)
                    await bench.call("POST", bench.api(f"/api/sessions/{session_id}/accept"))
                    bench.sessions[sender] = session_id
                    for k in range(per_way):
                        text = f"{sender} customer {k}"
                        arrived[text] = asyncio.get_running_loop().create_future()
                        started = time.perf_counter()
                        await customer.emit("user_uttered", {"message": text, "session_id": sender})
                        latency["customer -> agent"].append(await asyncio.wait_for(arrived[text], 60) - started)
                        text = f"{sender} agent {k}"
                        waiting[text] = asyncio.get_running_loop().create_future()
                        key = f"{sender}-{k}"
                        bench.agent_sent.setdefault(sender, []).append(key)
                        started = time.perf_counter()
                        await bench.call("POST", bench.api(f"/api/sessions/{session_id}/messages"),
                                         {"text": text, "id": key})
                        latency["agent -> customer"].append(await asyncio.wait_for(waiting[text], 60) - started)
                    await bench.call("POST", bench.api(f"/api/sessions/{session_id}/close"), {"return_to_bot": False})
                finally:
                    await customer.disconnect()

            results = await asyncio.gather(*(one(n) for n in range(sessions)), return_exceptions=True)
            listening.cancel()
        errors = [r for r in results if isinstance(r, Exception)]
        totals = await bench.count(settle=3.0)
    print(f"\n## {sessions} sessions at once, {per_way} messages each way (socket.io customers, agent on the "
          f"websocket)\n")
    print(f"- sessions that failed: {len(errors)} {errors[:3] if errors else ''}")
    _print_counts(totals)
    print("\n| relay | p50 | p95 | max |\n|---|---|---|---|")
    for name, values in latency.items():
        ordered = sorted(values) or [float("nan")]
        pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
        print(f"| {name} | {1000 * pick(0.5):.0f} ms | {1000 * pick(0.95):.0f} ms | {1000 * ordered[-1]:.0f} ms |")


async def _session_of(bench: Bench, sender: str) -> str:
    for _ in range(600):
        queued = await bench.call("GET", bench.api("/api/sessions?status=queued"))
        found = next((s["id"] for s in queued["sessions"] if s["conversation_id"] == sender), None)
        if found:
            return found
        await asyncio.sleep(0.1)
    raise RuntimeError(f"no session for {sender}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--handoffs", type=int, default=100)
    parser.add_argument("--sessions", type=int, default=40)
    args = parser.parse_args()
    model = train_test_model()
    workdir = Path(tempfile.mkdtemp(prefix="bench-relay-"))
    agents = workdir / "agents.yml"
    agents.write_text(yaml.safe_dump([{"name": AGENT, "capacity": 1000,
                                       "token_sha256": hashlib.sha256(AGENT_TOKEN.encode()).hexdigest()}]))
    # one local client making every call: its pace is not an attack (the service throttles per address)
    env = {"HANDOFF_AGENTS": str(agents), "HANDOFF_RECONCILE": "5", "HANDOFF_RATE_PER_MINUTE": "1000000"}
    servers = Servers(workdir, model, env=env).start()
    try:
        import requests
        requests.get(f"{servers.handoff_url}/api/me", headers={"Authorization": f"Bearer {AGENT_TOKEN}"},
                     timeout=10).raise_for_status()  # on duty
        asyncio.run(load(servers, args.sessions))
        asyncio.run(faults(servers, args.handoffs))
    finally:
        servers.stop()


if __name__ == "__main__":
    main()
