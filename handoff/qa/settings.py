"""Settings of the quality review in the handoff service, from the environment with
defaults in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from handoff.errors import ConfigError
from handoff.qa.domain import DEFAULT_DIR
from handoff.qa.rubric import DEFAULT_FILE


@dataclass(frozen=True)
class QASettings:
    rubric_file: Path = DEFAULT_FILE   # HANDOFF_QA_RUBRIC
    domain_dir: Path = DEFAULT_DIR     # HANDOFF_DOMAIN: the bot's domain (FAQ answers, intents)
    idle_seconds: float = 900.0        # HANDOFF_QA_IDLE: a bot-only conversation quiet this long is reviewed
    every_seconds: float = 30.0        # HANDOFF_QA_EVERY: how often the review job looks for work

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> QASettings:
        env = os.environ if env is None else env
        return cls(Path(env.get("HANDOFF_QA_RUBRIC") or DEFAULT_FILE), Path(env.get("HANDOFF_DOMAIN") or DEFAULT_DIR),
                   _seconds(env, "HANDOFF_QA_IDLE", "900"), _seconds(env, "HANDOFF_QA_EVERY", "30"))


def _seconds(env: Mapping[str, str], key: str, default: str) -> float:
    try:
        value = float(env.get(key) or default)
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError("environment", key, f"is '{env.get(key)}'; it must be a number of seconds above 0")
    return value
