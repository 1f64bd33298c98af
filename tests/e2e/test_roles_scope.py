"""Roles and scope through the real handoff service (Rasa is a stand-in): an agent sees and
touches only the sessions of their skills or assigned to them, over the API and the
websocket, and the verified email only once the session is theirs; supervisors see all;
tokens are salted hashes, rotated in the agents file without a restart."""
from __future__ import annotations

import asyncio
import hashlib
import http.server
import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests
import yaml

from handoff.service.tokens import hash_token
from tests.e2e.test_service_schema import RasaStandIn
from tests.local_http import serving
from tests.servers import AGENT_TOKEN, SERVICE_TOKEN, base_env, free_port, start, wait_until_up

KIM, JO, BOSS = "kim-token-0123456789", "jo-token-0123456789", "boss-token-0123456789"
KIM_NEW = "kim-rotated-token-0123456789"
ROOT_TOKEN = "root-token-0123456789"


def agents_file(path: Path, kim_token: str) -> None:
    path.write_text(yaml.safe_dump([
        {"name": "kim", "token_hash": hash_token(kim_token), "skills": ["orders"]},
        {"name": "jo", "token_sha256": hashlib.sha256(JO.encode()).hexdigest(), "skills": ["payments"]},  # legacy
        {"name": "boss", "token_hash": hash_token(BOSS), "skills": ["orders"], "supervisor": True},
        {"name": "root", "token_hash": hash_token(ROOT_TOKEN), "role": "admin"},
    ]))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[str, Path]]:
    workdir = tmp_path_factory.mktemp("roles")
    agents_file(workdir / "agents.yml", KIM)
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), RasaStandIn)) as rasa:
        port = free_port()
        env = {**base_env(), "HANDOFF_PORT": str(port), "HOST": "127.0.0.1", "SHOP_DATA_DIR": str(workdir),
               "RASA_URL": f"http://127.0.0.1:{rasa.server_address[1]}", "RASA_TOKEN": "rasa-token",
               "HANDOFF_AGENT_TOKEN": AGENT_TOKEN, "HANDOFF_SERVICE_TOKEN": SERVICE_TOKEN,
               "HANDOFF_AGENTS": str(workdir / "agents.yml"), "HANDOFF_AGENTS_RELOAD": "0.3"}
        process = start("handoff-roles", [sys.executable, "-m", "handoff", "serve"], workdir, env)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(process, f"{url}/health")
            yield url, workdir
        finally:
            process.stop()


def call(url: str, token: str, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> requests.Response:
    return requests.request(method, f"{url}{path}", json=body, headers={"Authorization": f"Bearer {token}"},
                            timeout=30)


def open_session(url: str, conversation: str, skill: str) -> str:
    context = {"conversation_id": conversation, "skill": skill, "customer": {"email": "ann@example.com",
                                                                               "verified": True},
               "summary": "Wants: refund (verified email ann@example.com)", "slots": {"customer_email": "ann@example.com"},
               "reasons": [{"trigger": "explicit", "skill": skill}]}
    reply = call(url, SERVICE_TOKEN, "POST", "/api/handoffs", {"context": context})
    assert reply.status_code == 201, reply.text
    return reply.json()["session"]["id"]


def customer_says(url: str, conversation: str, text: str) -> None:
    event = {"event": "user", "sender_id": conversation, "text": text, "timestamp": time.time() + 1,
             "handoff_event_id": f"{conversation}-{text}"[:64]}
    assert call(url, SERVICE_TOKEN, "POST", "/api/events", event).status_code == 201


def test_agents_see_their_queues_and_supervisors_see_all(service: Tuple[str, Path]) -> None:
    url, _ = service
    orders, payments = open_session(url, "scope-orders", "orders"), open_session(url, "scope-pay", "payments")
    listed = {s["id"] for s in call(url, KIM, "GET", "/api/sessions").json()["sessions"]}
    assert orders in listed and payments not in listed
    assert {orders, payments} <= {s["id"] for s in call(url, BOSS, "GET", "/api/sessions").json()["sessions"]}
    assert call(url, KIM, "GET", f"/api/sessions/{payments}").status_code == 403
    assert call(url, KIM, "POST", f"/api/sessions/{payments}/notes", {"text": "peek"}).status_code == 403
    assert call(url, KIM, "POST", f"/api/sessions/{payments}/accept").status_code == 403
    assert call(url, JO, "GET", f"/api/sessions/{payments}").status_code == 200  # a legacy SHA-256 token still works
    assert call(url, KIM, "GET", "/api/me").json()["role"] == "agent"
    assert call(url, BOSS, "GET", "/api/me").json() | {"skills": None} == {
        "name": "boss", "skills": None, "capacity": 3, "supervisor": True, "role": "supervisor"}
    assert call(url, AGENT_TOKEN, "GET", "/api/me").json()["supervisor"] is True  # the demo agent


def test_the_verified_email_only_while_the_session_is_theirs(service: Tuple[str, Path]) -> None:
    url, _ = service
    session = open_session(url, "scope-email", "orders")
    before = call(url, KIM, "GET", f"/api/sessions/{session}").text
    assert "ann@example.com" not in before and "email_hidden" in before
    assert "ann@example.com" in call(url, BOSS, "GET", f"/api/sessions/{session}").text
    accepted = call(url, KIM, "POST", f"/api/sessions/{session}/accept")
    assert accepted.status_code == 200 and accepted.json()["session"]["context"]["customer"]["email"] == "ann@example.com"
    assert "ann@example.com" in call(url, KIM, "GET", f"/api/sessions/{session}").text


async def _listen(url: str, token: str, frames: List[dict], ready: asyncio.Event, stop: asyncio.Event) -> Any:
    import websockets

    async with websockets.connect(url.replace("http://", "ws://") + "/api/ws") as ws:
        await ws.send(json.dumps({"type": "auth", "token": token}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "hello"
        ready.set()
        while not stop.is_set():
            try:
                frames.append(json.loads(await asyncio.wait_for(ws.recv(), 0.2)))
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed as closed:
                return closed.code
    return None


async def test_the_websocket_pushes_only_what_each_agent_may_see(service: Tuple[str, Path]) -> None:
    url, _ = service
    kim, jo, boss = [], [], []
    stop = asyncio.Event()
    readies = [asyncio.Event() for _ in range(3)]
    tasks = [asyncio.ensure_future(_listen(url, token, frames, ready, stop))
             for token, frames, ready in zip((KIM, JO, BOSS), (kim, jo, boss), readies)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 30)
    loop = asyncio.get_running_loop()
    orders = await loop.run_in_executor(None, open_session, url, "ws-orders", "orders")
    await loop.run_in_executor(None, customer_says, url, "ws-orders", "where is my parcel")
    payments = await loop.run_in_executor(None, open_session, url, "ws-pay", "payments")
    await loop.run_in_executor(None, customer_says, url, "ws-pay", "I was charged twice")
    await asyncio.sleep(1.0)
    stop.set()
    await asyncio.gather(*tasks)

    def about(frames: List[dict]) -> set:
        return {(f["type"], (f.get("session") or f.get("message") or {}).get("id") if f["type"] == "session"
                 else (f.get("message") or {}).get("session_id")) for f in frames if f["type"] in ("session", "message")}

    assert about(kim) == {("session", orders), ("message", orders)}
    assert about(jo) == {("session", payments), ("message", payments)}
    assert {("message", orders), ("message", payments)} <= about(boss)


async def test_a_rotated_token_works_without_a_restart(service: Tuple[str, Path]) -> None:
    url, workdir = service
    loop = asyncio.get_running_loop()
    frames: List[dict] = []
    ready, stop = asyncio.Event(), asyncio.Event()
    listening = asyncio.ensure_future(_listen(url, KIM, frames, ready, stop))
    await asyncio.wait_for(ready.wait(), 10)
    await loop.run_in_executor(None, agents_file, workdir / "agents.yml", KIM_NEW)
    code = await asyncio.wait_for(listening, 15)  # the old token's websocket is closed
    stop.set()
    assert code == 4401
    assert (await loop.run_in_executor(None, call, url, KIM, "GET", "/api/me")).status_code == 401
    assert (await loop.run_in_executor(None, call, url, KIM_NEW, "GET", "/api/me")).json()["name"] == "kim"
    log = (await loop.run_in_executor(None, call, url, BOSS, "GET", "/api/audit?kind=config_load")).json()
    assert any(e["subject"] == "agents" and "kim" in e["detail"]["changed"] for e in log["entries"])


def test_admins_see_the_agents_without_their_hashes(service: Tuple[str, Path]) -> None:
    url, _ = service
    assert call(url, BOSS, "GET", "/api/agents").status_code == 403
    answer = call(url, ROOT_TOKEN, "GET", "/api/agents")
    agents = {a["name"]: a for a in answer.json()["agents"]}
    assert agents["jo"]["legacy_token"] and not agents["kim"]["legacy_token"]
    assert agents["root"]["role"] == "admin" and agents["demo"]["role"] == "supervisor"
    assert "scrypt" not in answer.text and hashlib.sha256(JO.encode()).hexdigest() not in answer.text
    assert call(url, ROOT_TOKEN, "GET", "/api/audit").status_code == 200  # an admin supervises too


def test_the_audit_log_is_for_supervisors(service: Tuple[str, Path]) -> None:
    url, _ = service
    assert call(url, JO, "GET", "/api/audit").status_code == 403
    assert call(url, "not-a-token-at-all", "GET", "/api/me").status_code == 401
    entries = call(url, BOSS, "GET", "/api/audit").json()["entries"]
    kinds = {e["kind"] for e in entries}
    assert {"config_load", "transfer", "accept", "login", "login_failed"} <= kinds
    assert all("ann@example.com" not in json.dumps(e) for e in entries)
    csv = call(url, BOSS, "GET", "/api/audit?format=csv&kind=accept")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "seq,at,actor,kind,subject,detail,source,prev_hash,hash"
    assert all(",accept," in line for line in csv.text.splitlines()[1:]) and len(csv.text.splitlines()) >= 2
    assert call(url, BOSS, "GET", "/api/audit?since=yesterday").status_code == 400
