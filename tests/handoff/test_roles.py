from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any, List

import pytest
import yaml

from handoff.errors import ConfigError, Forbidden
from handoff.service import scope, tokens
from handoff.service.hub import Hub
from handoff.service.settings import Agent, ServiceSettings, file_agents
from handoff.service.store import Session

KIM = Agent("kim", tokens.hash_token("kim-token", n=2 ** 4), ("orders",), 3, "agent")
BOSS = Agent("boss", tokens.hash_token("boss-token", n=2 ** 4), ("orders",), 3, "supervisor")


def session(skill: str, agent: str = None) -> Session:
    context = {"conversation_id": "c", "customer": {"email": "ann@example.com", "verified": True},
               "summary": "verified email ann@example.com", "slots": {"customer_email": "ann@example.com"}}
    return Session(f"s-{skill}-{agent}", "c", "queued", skill, "normal", agent, context, datetime.now(timezone.utc),
                   None, None, 0, None)


def test_tokens_are_salted_slow_hashes_and_legacy_digests_still_check() -> None:
    one, two = tokens.hash_token("secret-token"), tokens.hash_token("secret-token")
    assert one != two and one.startswith("scrypt$16384$8$1$")  # salted: the same token, two hashes
    assert tokens.check("secret-token", one) and not tokens.check("other-token", one)
    legacy = hashlib.sha256(b"secret-token").hexdigest()
    assert tokens.legacy(legacy) and tokens.check("secret-token", legacy)
    assert not tokens.check("secret-token", "scrypt$99999999$8$1$AAAA$AAAA")  # no file makes a login take minutes
    assert not tokens.check("secret-token", "plain")


def test_roles_from_the_agents_file(tmp_path: Path) -> None:
    path = tmp_path / "agents.yml"
    path.write_text(yaml.safe_dump([
        {"name": "a", "token_hash": tokens.hash_token("a-token", n=2 ** 4)},
        {"name": "b", "token_sha256": hashlib.sha256(b"b").hexdigest(), "supervisor": True},
        {"name": "c", "token_hash": tokens.hash_token("c-token", n=2 ** 4), "role": "admin"}]))
    a, b, c = file_agents(path)
    assert (a.role, a.supervisor) == ("agent", False) and (b.role, b.supervisor) == ("supervisor", True)
    assert (c.role, c.supervisor) == ("admin", True)
    demo = ServiceSettings.from_env({"HANDOFF_AGENT_TOKEN": "dev", "HANDOFF_SERVICE_TOKEN": "s"}).agents[0]
    assert demo.role == "supervisor" and tokens.check("dev", demo.token_hash)


@pytest.mark.parametrize("entry, message", [
    ({"name": "x", "token_hash": "sha256$abc"}, "must be scrypt"),
    ({"name": "x"}, "'\\[0\\].token_hash' is missing"),
    ({"name": "x", "token_sha256": "ab" * 32, "role": "boss"}, "'\\[0\\].role' is 'boss'"),
    ({"name": "x", "token_sha256": "ab" * 32, "role": "agent", "supervisor": True}, "keep one of them"),
])
def test_a_wrong_agent_entry_says_what_to_fix(tmp_path: Path, entry: dict, message: str) -> None:
    path = tmp_path / "agents.yml"
    path.write_text(yaml.safe_dump([entry]))
    with pytest.raises(ConfigError, match=message):
        file_agents(path)


def test_agents_see_their_skills_or_their_sessions_and_the_email_only_when_theirs() -> None:
    assert scope.may_see(KIM, "orders", None) and scope.may_see(KIM, "payments", "kim")
    assert not scope.may_see(KIM, "payments", None) and scope.may_see(BOSS, "payments", None)
    with pytest.raises(Forbidden, match="does not serve"):
        scope.require(KIM, session("payments"))
    queued = scope.view(KIM, session("orders"))
    assert "ann@example.com" not in json.dumps(queued) and queued["context"]["customer"]["email_hidden"]
    assert scope.view(KIM, session("orders", "kim"))["context"]["customer"]["email"] == "ann@example.com"
    assert scope.view(BOSS, session("orders"))["context"]["customer"]["email"] == "ann@example.com"


class Socket:
    def __init__(self) -> None:
        self.frames: List[dict] = []
        self.closed: Any = None

    async def send(self, frame: str) -> None:
        self.frames.append(json.loads(frame))

    async def close(self, code: int, reason: str) -> None:
        self.closed = code


async def test_the_hub_pushes_each_agent_only_what_they_may_see() -> None:
    sessions = {s.id: s for s in (session("orders"), session("payments"))}

    async def lookup(session_id: str) -> Session:
        return sessions[session_id]

    hub = Hub(lookup)
    kim, boss = Socket(), Socket()
    hub.join(kim, KIM)
    hub.join(boss, BOSS)
    for s in sessions.values():
        await hub.session(s)
        await hub.publish("message", message={"session_id": s.id, "text": "hi"})
    await hub.publish("relay", session_id="s-payments-None", pending=2)
    await hub.publish("relay", session_id="unknown", pending=1)  # only supervisors hear of what is unknown
    assert {f.get("session", {}).get("skill") or f.get("message", {}).get("session_id") or f.get("session_id")
            for f in kim.frames} == {"orders", "s-orders-None"}
    assert len(boss.frames) == 6
    await hub.drop(["kim"])
    assert kim.closed == 4401 and kim not in hub.sockets and boss in hub.sockets


async def test_a_changed_agents_file_replaces_the_agents_and_closes_their_sockets(tmp_path: Path) -> None:
    from handoff.service.roster import Roster

    path = tmp_path / "agents.yml"
    path.write_text(yaml.safe_dump([{"name": "kim", "token_hash": KIM.token_hash, "skills": ["orders"]}]))
    recorded: List[tuple] = []

    async def record(*args: Any) -> None:
        recorded.append(args)

    hub, socket = Hub(), Socket()
    hub.join(socket, KIM)
    app = SimpleNamespace(ctx=SimpleNamespace(settings=ServiceSettings("sqlite://", "h", 1, "r", "", "", "s", (KIM,)),
                                              hub=hub, audit=SimpleNamespace(record=record)))
    roster = Roster(path)
    assert not await roster.check(app)  # unchanged
    path.write_text(yaml.safe_dump([{"name": "kim", "token_hash": tokens.hash_token("new", n=2 ** 4),
                                     "skills": ["orders"]}, {"name": "jo", "token_sha256": "ab" * 32}]))
    assert await roster.check(app)
    assert [a.name for a in app.ctx.settings.agents] == ["kim", "jo"] and socket.closed == 4401
    assert recorded[-1][1:3] == ("config_load", "agents") and recorded[-1][3]["changed"] == ["kim"]
    path.write_text("- {name: broken}\n")
    assert not await roster.check(app)  # refused as a whole: the agents stay
    assert [a.name for a in app.ctx.settings.agents] == ["kim", "jo"] and recorded[-1][1] == "config_load_failed"
