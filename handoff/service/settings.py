"""Settings of the handoff service, from the environment with defaults in one place,
and the agents who may log in (names, hashed tokens, skills, capacity) from an
optional YAML file. Secrets only come from the environment."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

import yaml

from handoff.errors import ConfigError
from handoff.service.duty import Hours

DEMO_AGENT = "demo"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Agent:
    name: str
    token_sha256: str
    skills: Tuple[str, ...] = ("*",)  # "*": every queue
    capacity: int = 3                  # concurrent chats
    supervisor: bool = False

    def serves(self, skill: str) -> bool:
        return "*" in self.skills or skill in self.skills


@dataclass(frozen=True)
class ServiceSettings:
    database_url: str
    host: str
    port: int
    rasa_url: str
    rasa_token: str
    service_token: str  # what the action server and the event broker present
    agents: Tuple[Agent, ...]
    wait_per_session_seconds: int = 120  # rough wait a customer is told, per session ahead
    escalate_after_seconds: float = 300.0  # a queued session nobody accepts goes up a priority
    hours: Optional[Hours] = None          # business hours; None: always
    agent_idle_seconds: float = 120.0      # an agent is present this long after their last API call
    rabbitmq_url: str = ""                 # scaled out: consume Rasa's Pika broker queue instead
    rabbitmq_queue: str = "handoff_events"
    queue_check_seconds: float = 15.0      # how often waiting customers are checked against the desk's duty
    leave_intents: Tuple[str, ...] = ("stop",)  # a waiting customer saying this leaves the queue
    leave_confidence: float = 0.6          # ...when the NLU is at least this sure
    rasa_timeout: float = 60.0             # as long as Rasa can take (its conversation lock lives 60 s)
    reconcile_seconds: float = 30.0        # how often tracker and sessions are checked against each other

    @property
    def settle_seconds(self) -> float:
        """After this long without an answer, a message not in the tracker did not arrive."""
        return self.rasa_timeout + 5

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> ServiceSettings:
        env = os.environ if env is None else env
        host = env.get("HOST", "127.0.0.1")
        agents = _agents(Path(env["HANDOFF_AGENTS"])) if env.get("HANDOFF_AGENTS") else ()
        demo_token = env.get("HANDOFF_AGENT_TOKEN")
        if demo_token:
            agents = (Agent(DEMO_AGENT, token_hash(demo_token), ("*",), 3, False),) + agents
        data_dir = Path(env.get("SHOP_DATA_DIR", "var"))
        return cls(
            database_url=env.get("HANDOFF_DB_URL", f"sqlite:///{data_dir / 'handoff.db'}"),
            host=host,
            port=int(env.get("HANDOFF_PORT", "5006")),
            rasa_url=env.get("RASA_URL", f"http://{host}:{env.get('RASA_PORT', '5005')}"),
            rasa_token=env.get("RASA_TOKEN", ""),
            service_token=env.get("HANDOFF_SERVICE_TOKEN", env.get("RASA_TOKEN", "")),
            agents=agents,
            escalate_after_seconds=float(env.get("HANDOFF_ESCALATE_AFTER", "300")),
            hours=Hours.parse(env["HANDOFF_HOURS"], env.get("HANDOFF_TIMEZONE", "UTC"))
            if env.get("HANDOFF_HOURS", "").strip() else None,
            agent_idle_seconds=float(env.get("HANDOFF_AGENT_IDLE", "120")),
            rabbitmq_url=env.get("HANDOFF_RABBITMQ_URL", ""),
            rabbitmq_queue=env.get("HANDOFF_RABBITMQ_QUEUE", "handoff_events"),
            queue_check_seconds=_positive(env, "HANDOFF_QUEUE_CHECK", "15"),
            leave_intents=tuple(i.strip() for i in env.get("HANDOFF_LEAVE_INTENTS", "stop").split(",") if i.strip()),
            leave_confidence=float(env.get("HANDOFF_LEAVE_CONFIDENCE", "0.6")),
            rasa_timeout=_positive(env, "HANDOFF_RASA_TIMEOUT", "60"),
            reconcile_seconds=_positive(env, "HANDOFF_RECONCILE", "30"),
        )


def _positive(env: Mapping[str, str], key: str, default: str) -> float:
    try:
        value = float(env.get(key, default))
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError("environment", key, f"is '{env.get(key)}'; it must be a number of seconds above 0")
    return value


def _agents(path: Path) -> Tuple[Agent, ...]:
    """agents.yml: a list of {name, token_sha256, skills, capacity, supervisor}."""
    try:
        raw = yaml.safe_load(path.read_text()) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(str(path), "agents", f"cannot be read ({exc})") from exc
    if not isinstance(raw, list):
        raise ConfigError(str(path), "agents", "must be a list of agents")
    return tuple(_agent(str(path), i, entry) for i, entry in enumerate(raw))


def _agent(source: str, index: int, entry: Any) -> Agent:
    key = f"[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ConfigError(source, key, "must be a mapping with a 'name'")
    unknown = set(entry) - {"name", "token_sha256", "skills", "capacity", "supervisor"}
    if unknown:
        raise ConfigError(source, f"{key}.{sorted(unknown)[0]}",
                          "is not a known key; allowed: name, token_sha256, skills, capacity, supervisor")
    digest = entry.get("token_sha256", "")
    if not (isinstance(digest, str) and len(digest) == 64):
        raise ConfigError(source, f"{key}.token_sha256", "must be the SHA-256 hex digest of the agent's token "
                          "(python -c \"import hashlib;print(hashlib.sha256(b'TOKEN').hexdigest())\")")
    capacity = entry.get("capacity", 3)
    if not isinstance(capacity, int) or capacity < 1:
        raise ConfigError(source, f"{key}.capacity", f"is {capacity!r}; it must be a whole number of at least 1")
    skills = entry.get("skills", ["*"])
    if not (isinstance(skills, list) and all(isinstance(s, str) for s in skills)):
        raise ConfigError(source, f"{key}.skills", "must be a list of skill names (or ['*'])")
    return Agent(entry["name"], digest.lower(), tuple(skills), capacity, bool(entry.get("supervisor", False)))
