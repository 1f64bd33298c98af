"""Throughput and latency over REST, the shop assistant next to Rasa's own `rasa init`
starter bot, in one run on this machine: conversations of 6 messages (a greeting,
questions, thanks), N clients each starting a new conversation as soon as the last
ended, for a fixed time per cell.

    .venv/bin/python bench/throughput.py [--seconds 20] [--clients 1,8,32,64]
        [--processes 1,2,4] [--stored 0,100000] [--shop-model M] [--starter-model M]

Rows:
- the starter bot, served the plain way (`rasa run`, its default in-memory tracker store);
- the shop assistant on the embedded default, as `make run` starts it (SQLite tracker
  store, the handoff event broker, action server and handoff service);
- the shop assistant scaled out: 1, 2 or 4 Rasa processes behind a round-robin client
  (each message to the next process, as a load balancer without sticky sessions does),
  sharing Rasa's SQL tracker store on PostgreSQL and Rasa's Redis lock store (needs
  PostgreSQL on 127.0.0.1:5432 and Redis on 6379; skipped with a note otherwise);
- latency of one client against how many conversations the tracker store already holds.

The clients run in this process (asyncio, aiohttp) on the same machine as the servers."""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from tests.servers import Process, Servers, base_env, free_port, wait_until_up  # noqa: E402

GREETINGS = ["hi", "hello", "hey there", "good morning"]
SHOP_QUESTIONS = ["how long does shipping take?", "can I pay with paypal", "do you price match",
                  "what are your opening hours", "what is your return policy", "do you ship abroad",
                  "how much is delivery", "can I change my delivery address"]
THANKS = ["thanks", "thank you", "great, thanks"]
STARTER_TURNS = [["I am sad", "yes"], ["are you a bot?", "great"], ["I am very happy", "perfect"]]
POSTGRES = os.environ.get("HANDOFF_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def shop_conversation(rng: random.Random) -> List[str]:
    return [rng.choice(GREETINGS), *rng.sample(SHOP_QUESTIONS, 4), rng.choice(THANKS)]


def starter_conversation(rng: random.Random) -> List[str]:
    first, second = rng.sample(STARTER_TURNS, 2)
    return [rng.choice(GREETINGS), *first, *second, "bye"]


def cpu_seconds(pids: Sequence[int]) -> float:
    """CPU time (user + system) the processes have used so far, from /proc."""
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class Cell:
    messages: int
    seconds: float
    latencies: List[float]
    cpu_ms: float = float("nan")  # the bot's processes' CPU time per message, all messages of the cell

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


async def load(urls: Sequence[str], clients: int, seconds: float, conversation: Callable[[random.Random], List[str]],
               warmup: float = 3.0, pids: Sequence[int] = ()) -> Cell:
    """`clients` customers, each chatting conversation after conversation; messages go to
    `urls` in turn. Only what is sent after the warm-up and answered before the end counts
    for throughput and latency; CPU per message counts every message of the cell, so it
    does not depend on what else the machine is running."""
    turn = itertools.cycle(urls)
    latencies: List[float] = []
    sent_total = [0]
    cpu_before = cpu_seconds(pids)
    started = time.perf_counter()
    counting_from, stop_at = started + warmup, started + warmup + seconds

    async def customer(seed: int, session: aiohttp.ClientSession) -> None:
        rng = random.Random(seed)
        while time.perf_counter() < stop_at:
            sender = uuid.uuid4().hex
            for text in conversation(rng):
                sent = time.perf_counter()
                async with session.post(f"{next(turn)}/webhooks/rest/webhook",
                                        json={"sender": sender, "message": text}) as response:
                    await response.read()
                    sent_total[0] += 1
                    if response.status != 200:
                        raise RuntimeError(f"{response.status} from the bot: {await response.text()}")
                done = time.perf_counter()
                if sent >= counting_from and done <= stop_at:
                    latencies.append((done - sent) * 1000)
                if done >= stop_at:
                    return

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=300)) as session:
        await asyncio.gather(*(customer(seed, session) for seed in range(clients)))
    cpu_ms = (cpu_seconds(pids) - cpu_before) * 1000 / max(sent_total[0], 1) if pids else float("nan")
    return Cell(len(latencies), seconds, latencies, cpu_ms)


def train(workdir: Path, args: List[str], out: Path, python_module: str) -> Path:
    result = subprocess.run([sys.executable, "-m", python_module, "train", *args, "--out", str(out),
                             "--fixed-model-name", "model"], cwd=workdir, env=base_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode:
        raise SystemExit(f"training failed in {workdir}:\n{result.stderr[-3000:]}")
    return out / "model.tar.gz"


def start_starter(workdir: Path, model: Path) -> Process:
    """`rasa run` in the starter's own folder: its endpoints.yml and credentials.yml."""
    port = free_port()
    cmd = [sys.executable, "-m", "rasa", "run", "--enable-api", "-i", "127.0.0.1", "--port", str(port),
           "--model", str(model), "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
    log = workdir / "starter.log"
    env = {**base_env(), "PYTHONPATH": ""}
    process = Process("starter", subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log.open("w"),
                                                  stderr=subprocess.STDOUT), log, cmd, env)
    process.health = f"http://127.0.0.1:{port}/status"
    wait_until_up(process, process.health, ready=lambda r: bool(r.json().get("model_file")))
    process.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    return process


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class ScaledOut:
    """`count` Rasa processes sharing PostgreSQL (tracker store) and Redis (lock store), one
    action server and one handoff service, in a database of their own."""

    def __init__(self, work: Path, model: Path, count: int) -> None:
        self.work, self.model, self.count = work, model, count
        self.database = f"bench_{uuid.uuid4().hex[:8]}"
        self.servers: List[Servers] = []

    def __enter__(self) -> List[str]:
        admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {self.database}"))
        admin.dispose()
        url = sa.engine.make_url(POSTGRES)
        endpoints = {
            "tracker_store": {"type": "bot.tracker_store.LeanSQLTrackerStore", "dialect": "postgresql",
                              "url": url.host, "port": url.port or 5432, "db": self.database,
                              "username": url.username or "postgres", "password": url.password or ""},
            "lock_store": {"type": "redis", "url": "127.0.0.1", "port": 6379, "db": 1,
                           "key_prefix": f"bench{uuid.uuid4().hex[:6]}"},
        }
        first = Servers(self.work / "rasa-0", self.model, endpoints=endpoints)
        (self.work / "rasa-0").mkdir(parents=True)
        first.start()
        self.servers.append(first)
        broker = {"event_broker": {"type": "handoff.broker.HandoffEventBroker", "url": first.handoff_url}}
        for i in range(1, self.count):
            workdir = self.work / f"rasa-{i}"
            workdir.mkdir(parents=True)
            other = Servers(workdir, self.model, endpoints={**endpoints, **broker}, actions_url=first.actions_url,
                            env={"HANDOFF_URL": first.handoff_url})
            self.servers.append(other.start())
        return [s.rasa_url for s in self.servers]

    def __exit__(self, *_: object) -> None:
        for servers in reversed(self.servers):
            servers.stop()
        admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {self.database}"))
        admin.dispose()


def fill_tracker_store(db: Path, conversations: int) -> None:
    """`conversations` finished conversations of 20 events each, written straight into the
    SQLite tracker store's table (Rasa's schema), as months of traffic would leave them."""
    engine = sa.create_engine(f"sqlite:///{db}")
    from bot.tracker_store import LeanSQLTrackerStore

    LeanSQLTrackerStore.Base.metadata.create_all(engine)
    table = LeanSQLTrackerStore.SQLEvent.__table__
    now = time.time() - 86400
    with engine.begin() as connection:
        for start_at in range(0, conversations, 2000):
            rows = []
            for c in range(start_at, min(conversations, start_at + 2000)):
                sender = f"past-{c}"
                for e in range(20):
                    kind = ("action", "user", "bot")[e % 3]
                    data = {"event": kind, "timestamp": now + e, "text": "how long does shipping take?"} \
                        if kind != "action" else {"event": "action", "timestamp": now + e, "name": "action_listen"}
                    rows.append({"sender_id": sender, "type_name": kind, "timestamp": now + e,
                                 "intent_name": None, "action_name": data.get("name"), "data": json.dumps(data)})
            connection.execute(table.insert(), rows)
    engine.dispose()


def fill_handoff_queue(db: Path, count: int) -> None:
    """`count` customers waiting in the handoff service's queue (its SQLite database)."""
    from datetime import datetime, timezone

    from handoff.service.store import metadata, sessions

    engine = sa.create_engine(f"sqlite:///{db}")
    metadata.create_all(engine)
    now = datetime.now(timezone.utc)
    rows = [{"id": str(uuid.uuid4()), "conversation_id": f"waiting-{i}", "status": "queued",
             "skill": ("orders", "scheduling", "customer_care")[i % 3], "priority": "normal", "rank": 1,
             "context": json.dumps({"reasons": [{"trigger": "explicit"}], "transcript": []}),
             "created_at": now, "escalated": 1} for i in range(count)]
    with engine.begin() as connection:
        if rows:
            connection.execute(sessions.insert(), rows)
    engine.dispose()


def row(name: str, cells: Dict[int, Cell]) -> str:
    return f"| {name} | " + " | ".join(
        f"{c.rate:.1f} msg/s, p50 {c.quantile(0.5):,.0f} ms, CPU {c.cpu_ms:.0f} ms/msg" for c in cells.values()) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", default="1,8,32,64")
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--stored", default="0,100000")
    parser.add_argument("--queued", default="5000", help="customers waiting for a person, for the last row")
    parser.add_argument("--shop-model", type=Path, help="a trained model of bot/config.yml (default: train one)")
    parser.add_argument("--starter-model", type=Path, help="a trained starter model (default: train one)")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    processes = [int(p) for p in args.processes.split(",") if p]
    stored = [(int(s), 0) for s in args.stored.split(",") if s] + [(0, int(q)) for q in args.queued.split(",") if q]
    work = Path(tempfile.mkdtemp(prefix="bench-throughput-"))
    lines: List[str] = []
    try:
        import rasa.cli

        starter_dir = work / "starter"
        shutil.copytree(Path(rasa.cli.__file__).parent / "initial_project", starter_dir)
        starter_model = args.starter_model or train(starter_dir, [], work / "starter-model", "rasa")
        shop_model = args.shop_model or train(ROOT, ["--domain", "bot/domain", "--data", "data", "--config",
                                                     "bot/config.yml"], work / "shop-model", "bot")

        def cells(urls: Sequence[str], conversation: Callable, pids: Sequence[int]) -> Dict[int, Cell]:
            return {n: asyncio.run(load(urls, n, args.seconds, conversation, pids=pids)) for n in clients}

        def pids(*running: Servers) -> List[int]:
            return [p.popen.pid for servers in running for p in servers.processes]

        starter = start_starter(starter_dir, starter_model)
        try:
            starter_cells = cells([starter.url], starter_conversation,  # type: ignore[attr-defined]
                                  [starter.popen.pid])
        finally:
            starter.stop()
        (work / "shop").mkdir()
        shop = Servers(work / "shop", shop_model).start()
        try:
            shop_cells = cells([shop.rasa_url], shop_conversation, pids(shop))
        finally:
            shop.stop()
        header = "| bot | " + " | ".join(f"{n} client{'s' if n > 1 else ''}" for n in clients) + " |"
        lines += [f"\nThroughput over REST, conversations of 6 messages, {args.seconds:.0f} s per cell, "
                  f"{os.cpu_count()} cores, Python {sys.version.split()[0]}\n", header,
                  "|---|" + "---|" * len(clients), row("rasa init starter bot (in-memory tracker store)", starter_cells),
                  row("shop assistant, embedded default (1 process, SQLite)", shop_cells)]
        lines.append("| ratio shop / starter (msg/s; CPU per message) | " + " | ".join(
            f"{shop_cells[n].rate / starter_cells[n].rate:.2f}; {shop_cells[n].cpu_ms / starter_cells[n].cpu_ms:.2f}"
            for n in clients) + " |")
        if processes and listening(5432) and listening(6379):
            for count in processes:
                scaled = ScaledOut(work / f"scaled-{count}", shop_model, count)
                with scaled as urls:
                    lines.append(row(f"shop assistant, {count} Rasa process{'es' if count > 1 else ''} "
                                     "(PostgreSQL + Redis lock store)",
                                     cells(urls, shop_conversation, pids(*scaled.servers))))
        elif processes:
            lines.append("\n(scale-out rows skipped: PostgreSQL on 5432 and Redis on 6379 are needed)")
        if stored:
            lines += ["", "One client, latency against conversations already stored (SQLite tracker store) and "
                      "customers waiting for a person (the handoff service's queue)", "",
                      "| stored conversations | waiting customers | msg/s | p50 | p95 |", "|---|---|---|---|---|"]
            for count, queued in stored:
                workdir = work / f"stored-{count}-{queued}"
                (workdir / "data").mkdir(parents=True)
                fill_tracker_store(workdir / "tracker.db", count)
                fill_handoff_queue(workdir / "data" / "handoff.db", queued)
                servers = Servers(workdir, shop_model).start()
                try:
                    cell = asyncio.run(load([servers.rasa_url], 1, args.seconds, shop_conversation))
                finally:
                    servers.stop()
                lines.append(f"| {count:,} | {queued:,} | {cell.rate:.1f} | {cell.quantile(0.5):.0f} ms | "
                             f"{cell.quantile(0.95):.0f} ms |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
