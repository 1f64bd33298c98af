"""Settings of the handoff service, from the environment with defaults in one place,
and the agents who may log in (names, hashed tokens, skills, capacity) from an
optional YAML file. Secrets only come from the environment."""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

import yaml

from handoff.errors import ConfigError
from handoff.insights.tracker_source import url_from_endpoints
from handoff.service import tokens
from handoff.service.duty import Hours
from handoff.service.throttle import ThrottleSettings

logger = logging.getLogger(__name__)
ROLES = ("agent", "supervisor", "admin")

DEMO_AGENT = "demo"
DEMO_AGENT_SHOWN_AS = "Sam"  # the name customers see for the demo agent (HANDOFF_AGENT_NAME)


def token_hash(token: str) -> str:
    """The legacy unsalted digest (agents files of earlier versions); new ones use tokens.hash_token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Agent:
    name: str
    token_hash: str                    # tokens.hash_token's scrypt$..., or a legacy SHA-256 hex digest
    skills: Tuple[str, ...] = ("*",)  # "*": every queue
    capacity: int = 3                  # concurrent chats
    role: str = "agent"                # agent | supervisor | admin
    display_name: str = ""             # what customers see ("Sam from our team has joined"); default: name

    @property
    def supervisor(self) -> bool:
        """Sees and may act on every session (supervisors and admins)."""
        return self.role in ("supervisor", "admin")

    @property
    def shown_as(self) -> str:
        return self.display_name or self.name

    def serves(self, skill: str) -> bool:
        return "*" in self.skills or skill in self.skills


@dataclass(frozen=True)
class ServiceSettings:
    database_url: str
    host: str
    port: int
    rasa_url: str
    rasa_token: str
    rasa_jwt_secret: str  # when set, calls to Rasa carry a JWT header instead of ?token=
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
    max_body_bytes: int = 1_000_000        # larger request bodies are refused with 413
    origins: Tuple[str, ...] = ()          # browser origins besides the service's own (agent websocket)
    throttle: ThrottleSettings = ThrottleSettings()
    rasa_timeout: float = 60.0             # as long as Rasa can take (its conversation lock lives 60 s)
    reconcile_seconds: float = 30.0        # how often tracker and sessions are checked against each other
    handoff_config: str = "handoff.yml"    # triggers, routing and the desk's sections (costs, load, kill switch)
    tracker_db_url: str = ""               # Rasa's SQL tracker store, for the bot's figures ("" : none)
    metrics_token: str = ""                # when set, GET /metrics wants it as a bearer token
    agents_file: str = ""                  # HANDOFF_AGENTS, read again when it changes (tokens rotated)
    agents_reload_seconds: float = 5.0     # how often its change is looked for

    @property
    def settle_seconds(self) -> float:
        """After this long without an answer, a message not in the tracker did not arrive."""
        return self.rasa_timeout + 5

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> ServiceSettings:
        env = os.environ if env is None else env
        host = env.get("HOST", "127.0.0.1")
        agents = load_agents(env)
        data_dir = Path(env.get("SHOP_DATA_DIR", "var"))
        return cls(
            database_url=env.get("HANDOFF_DB_URL", f"sqlite:///{data_dir / 'handoff.db'}"),
            host=host,
            port=int(env.get("HANDOFF_PORT", "5006")),
            rasa_url=env.get("RASA_URL", f"http://{host}:{env.get('RASA_PORT', '5005')}"),
            rasa_token=env.get("RASA_TOKEN", ""),
            rasa_jwt_secret=env.get("RASA_JWT_SECRET", ""),
            service_token=_service_token(env),
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
            max_body_bytes=int(_positive(env, "HANDOFF_MAX_BODY_BYTES", "1000000", "a number of bytes")),
            origins=tuple(o.strip().rstrip("/") for o in env.get("HANDOFF_ORIGINS", "").split() if o.strip()),
            throttle=ThrottleSettings(
                requests_per_minute=int(_positive(env, "HANDOFF_RATE_PER_MINUTE", "600", "a number of requests")),
                failures=int(_positive(env, "HANDOFF_LOGIN_FAILURES", "10", "a number of failures")),
                window_seconds=_positive(env, "HANDOFF_LOGIN_WINDOW", "300"),
                lockout_seconds=_positive(env, "HANDOFF_LOCKOUT_SECONDS", "300")),
            rasa_timeout=_positive(env, "HANDOFF_RASA_TIMEOUT", "60"),
            reconcile_seconds=_positive(env, "HANDOFF_RECONCILE", "30"),
            handoff_config=env.get("HANDOFF_CONFIG", "handoff.yml"),
            tracker_db_url=env.get("HANDOFF_TRACKER_DB_URL", "").strip()
            or url_from_endpoints(Path(env.get("HANDOFF_ENDPOINTS", "endpoints.yml"))),
            metrics_token=env.get("HANDOFF_METRICS_TOKEN", "").strip(),
            agents_file=env.get("HANDOFF_AGENTS", ""),
            agents_reload_seconds=_positive(env, "HANDOFF_AGENTS_RELOAD", "5"),
        )


def _service_token(env: Mapping[str, str]) -> str:
    """The action server's and the event broker's secret: its own, never another one."""
    token = env.get("HANDOFF_SERVICE_TOKEN", "").strip()
    if not token:
        raise ConfigError("environment", "HANDOFF_SERVICE_TOKEN", "is not set; give the service its own secret and "
                          "the same value to the action server and Rasa (e.g. $(openssl rand -hex 24))")
    if token == env.get("RASA_TOKEN") or token == env.get("HANDOFF_AGENT_TOKEN"):
        raise ConfigError("environment", "HANDOFF_SERVICE_TOKEN", "must differ from RASA_TOKEN and "
                          "HANDOFF_AGENT_TOKEN: it opens sessions, which neither Rasa's nor an agent's token may")
    return token


def _positive(env: Mapping[str, str], key: str, default: str, unit: str = "a number of seconds") -> float:
    try:
        value = float(env.get(key, default))
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError("environment", key, f"is '{env.get(key)}'; it must be {unit} above 0")
    return value


def load_agents(env: Mapping[str, str]) -> Tuple[Agent, ...]:
    """The development demo agent (HANDOFF_AGENT_TOKEN, a supervisor) and those of HANDOFF_AGENTS."""
    agents = file_agents(Path(env["HANDOFF_AGENTS"])) if env.get("HANDOFF_AGENTS") else ()
    demo_token = env.get("HANDOFF_AGENT_TOKEN")
    if demo_token:
        shown_as = env.get("HANDOFF_AGENT_NAME", DEMO_AGENT_SHOWN_AS).strip() or DEMO_AGENT_SHOWN_AS
        agents = (Agent(DEMO_AGENT, tokens.hash_token(demo_token), ("*",), 3, "supervisor", shown_as),) + agents
    return agents


def file_agents(path: Path) -> Tuple[Agent, ...]:
    """agents.yml: a list of {name, token_hash, skills, capacity, role, display_name}
    (token_sha256 and supervisor: true of earlier versions are still read)."""
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
    unknown = set(entry) - {"name", "token_hash", "token_sha256", "skills", "capacity", "role", "supervisor",
                            "display_name"}
    if unknown:
        raise ConfigError(source, f"{key}.{sorted(unknown)[0]}", "is not a known key; allowed: name, "
                          "token_hash, skills, capacity, role, display_name (and the older token_sha256, "
                          "supervisor)")
    display_name = entry.get("display_name", "")
    if not isinstance(display_name, str) or len(display_name) > 40:
        raise ConfigError(source, f"{key}.display_name", "must be the name customers see, at most 40 characters")
    digest = _digest(source, key, entry)
    role = _role(source, key, entry)
    capacity = entry.get("capacity", 3)
    if not isinstance(capacity, int) or capacity < 1:
        raise ConfigError(source, f"{key}.capacity", f"is {capacity!r}; it must be a whole number of at least 1")
    skills = entry.get("skills", ["*"])
    if not (isinstance(skills, list) and all(isinstance(s, str) for s in skills)):
        raise ConfigError(source, f"{key}.skills", "must be a list of skill names (or ['*'])")
    return Agent(entry["name"], digest, tuple(skills), capacity, role, display_name.strip())


def _digest(source: str, key: str, entry: Mapping[str, Any]) -> str:
    if "token_hash" in entry:
        digest = entry["token_hash"]
        if not (isinstance(digest, str) and tokens.SCRYPT.match(digest)):
            raise ConfigError(source, f"{key}.token_hash", "must be scrypt$...: make it with "
                              "'python -m handoff agents hash-token' (the token on its standard input)")
        return digest
    digest = entry.get("token_sha256", "")
    if not (isinstance(digest, str) and tokens.LEGACY.match(digest.lower())):
        raise ConfigError(source, f"{key}.token_hash", "is missing: make it with 'python -m handoff agents "
                          "hash-token' (the token on its standard input)")
    logger.warning("%s: agent '%s' has an unsalted token_sha256; replace it with a token_hash from "
                   "'python -m handoff agents hash-token'", source, entry.get("name"))
    return digest.lower()


def _role(source: str, key: str, entry: Mapping[str, Any]) -> str:
    role = entry.get("role", "supervisor" if entry.get("supervisor") is True else "agent")
    if role not in ROLES:
        raise ConfigError(source, f"{key}.role", f"is {role!r}; use one of {', '.join(ROLES)}")
    if "supervisor" in entry and not isinstance(entry["supervisor"], bool):
        raise ConfigError(source, f"{key}.supervisor", "must be true or false (or use role: supervisor)")
    if entry.get("supervisor") is True and role == "agent":
        raise ConfigError(source, f"{key}.role", "is agent but supervisor is true: keep one of them")
    return role


def shown_as(settings: ServiceSettings, agent: str) -> str:
    """The name customers see for an agent of ours, or the name an external desk gave."""
    return next((a.shown_as for a in settings.agents if a.name == agent), agent)
