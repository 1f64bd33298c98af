"""What the bot's domain offers, read from its YAML files (bot/domain/*.yml) without
loading Rasa: the intents, the FAQ keys (retrieval intents, faq/<key>) and each FAQ's
answer, which the review compares agents' answers with, corrections name and the
assistant suggests."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Tuple

import yaml

from handoff.errors import ConfigError

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "bot" / "domain"
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Catalogue:
    intents: Tuple[str, ...]
    answers: Dict[str, str]   # faq/<key> -> the answer's text

    @property
    def faqs(self) -> Tuple[str, ...]:
        return tuple(sorted(self.answers))

    def knows(self, expected: str) -> bool:
        return expected in self.intents or expected in self.answers

    @classmethod
    def load(cls, directory: Path = DEFAULT_DIR) -> Catalogue:
        intents, answers = [], {}
        files = sorted(Path(directory).glob("*.yml")) if Path(directory).is_dir() else [Path(directory)]
        for path in files:
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError) as exc:
                raise ConfigError(str(path), "domain", f"cannot be read ({exc})") from exc
            for intent in raw.get("intents") or []:
                intents.append(intent if isinstance(intent, str) else next(iter(intent)))
            for name, variants in (raw.get("responses") or {}).items():
                if name.startswith("utter_") and "/" in name and variants and isinstance(variants[0], dict):
                    answers[name[len("utter_"):]] = str(variants[0].get("text", ""))
        return cls(tuple(sorted(set(intents))), answers)
