"""The held-out data: customer messages (bench/data/nlu_heldout.yml) and multi-turn
conversations (bench/data/handoff_heldout.yml), loaded into typed items and validated
against the intents of bot/domain and the FAQ keys of data/nlu/faq.yml."""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Tuple

import yaml

from bench.nlu_eval import HeldoutError

ROOT = Path(__file__).resolve().parent.parent.parent
NLU_HELDOUT = ROOT / "bench" / "data" / "nlu_heldout.yml"
HANDOFF_HELDOUT = ROOT / "bench" / "data" / "handoff_heldout.yml"
HANDOFF_LABELLED = ROOT / "bench" / "data" / "handoff_conversations.yml"

HUMAN_INTENT = "request_human"
CATEGORIES = ("covered", "human", "complaint", "sensitive", "uncovered", "gibberish")
# Categories without a route: what matters is the behaviour, not the intent.
NO_ROUTE = ("complaint", "sensitive", "uncovered", "gibberish")
HANDOFF_REASONS = ("explicit", "sentiment", "loop", "gray_area")


@dataclass(frozen=True)
class Item:
    text: str
    category: str
    route: Optional[str] = None  # an intent, or faq/<key>


@dataclass(frozen=True)
class Conversation:
    id: str
    messages: Tuple[str, ...]
    gold_turn: Optional[int] = None
    gold_reason: Optional[str] = None


def normalise(text: str) -> str:
    """Lowercase, spaces collapsed, punctuation stripped at both ends."""
    collapsed = re.sub(r"\s+", " ", text.lower()).strip()
    return collapsed.strip(string.punctuation + " ")


def known_routes(root: Path = ROOT) -> FrozenSet[str]:
    """The intents of bot/domain (without the bare retrieval intent) and faq/<key>."""
    routes = set()
    for path in sorted((root / "bot" / "domain").glob("*.yml")):
        for intent in (yaml.safe_load(path.read_text()) or {}).get("intents") or []:
            routes.add(next(iter(intent)) if isinstance(intent, dict) else str(intent))
    routes.discard("faq")
    return frozenset(routes | set(faq_keys(root)))


def faq_keys(root: Path = ROOT) -> List[str]:
    nlu = yaml.safe_load((root / "data" / "nlu" / "faq.yml").read_text())["nlu"]
    return [block["intent"] for block in nlu if str(block.get("intent", "")).startswith("faq/")]


def parse_item(raw: Any, index: int, routes: FrozenSet[str]) -> Item:
    where = f"item {index + 1}"
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not isinstance(raw.get("expect"), dict):
        raise HeldoutError(f"{where}: write it as {{text: \"...\", expect: {{route: ..., category: ...}}}}")
    expect: Dict[str, Any] = raw["expect"]
    unknown = set(expect) - {"route", "category"}
    if unknown:
        raise HeldoutError(f"{where} ({raw['text']!r}): unknown key(s) {sorted(unknown)}; use route and category")
    route = expect.get("route")
    category = expect.get("category") or ("covered" if route else None)
    if category not in CATEGORIES:
        raise HeldoutError(f"{where} ({raw['text']!r}): category {category!r} is not one of {list(CATEGORIES)}")
    if route is not None and route not in routes:
        raise HeldoutError(f"{where} ({raw['text']!r}): route {route!r} is neither an intent of bot/domain "
                           f"nor a faq/<key> of data/nlu/faq.yml")
    if category in NO_ROUTE and route is not None:
        raise HeldoutError(f"{where} ({raw['text']!r}): a {category} item has no route; remove {route!r}")
    if category == "covered" and (route is None or route == HUMAN_INTENT):
        raise HeldoutError(f"{where} ({raw['text']!r}): a covered item needs a route other than {HUMAN_INTENT}")
    if category == "human" and route != HUMAN_INTENT:
        raise HeldoutError(f"{where} ({raw['text']!r}): a human item has route {HUMAN_INTENT}")
    return Item(text=raw["text"], category=category, route=route)


def load_items(path: Path = NLU_HELDOUT, routes: Optional[FrozenSet[str]] = None) -> List[Item]:
    data = yaml.safe_load(path.read_text()) or {}
    if data.get("version") != 1 or not isinstance(data.get("items"), list):
        raise HeldoutError(f"{path}: expected 'version: 1' and a list under 'items'")
    routes = known_routes() if routes is None else routes
    return [parse_item(raw, index, routes) for index, raw in enumerate(data["items"])]


def parse_conversation(raw: Any) -> Conversation:
    if not isinstance(raw, dict) or not raw.get("id") or not isinstance(raw.get("messages"), list):
        raise HeldoutError(f"conversation {raw!r}: write it as {{id: ..., messages: [...], gold: {{turn, reason}}}}")
    gold = raw.get("gold") or {}
    messages = tuple(str(message) for message in raw["messages"])
    turn, reason = gold.get("turn"), gold.get("reason")
    if (turn is None) != (reason is None):
        raise HeldoutError(f"conversation {raw['id']}: gold needs both turn and reason, or neither (routine)")
    if turn is not None and not (isinstance(turn, int) and 1 <= turn <= len(messages)):
        raise HeldoutError(f"conversation {raw['id']}: gold turn {turn!r} is not a customer turn 1..{len(messages)}")
    if reason is not None and reason not in HANDOFF_REASONS:
        raise HeldoutError(f"conversation {raw['id']}: gold reason {reason!r} is not one of {list(HANDOFF_REASONS)}")
    return Conversation(id=str(raw["id"]), messages=messages, gold_turn=turn, gold_reason=reason)


def load_conversations(path: Path = HANDOFF_HELDOUT) -> List[Conversation]:
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data.get("conversations"), list):
        raise HeldoutError(f"{path}: expected a list under 'conversations'")
    return [parse_conversation(raw) for raw in data["conversations"]]


def training_sentences(data_dir: Path = ROOT / "data") -> Dict[str, str]:
    """Every customer sentence of the training data, normalised -> as written.

    NLU examples are read by Rasa's own reader (entity annotations removed); user
    turns of stories and rules, if any, are read too."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    sentences: Dict[str, str] = {}
    for path in sorted(data_dir.rglob("*.yml")):
        content = path.read_text()
        for message in RasaYAMLReader().reads(content).training_examples:
            text = message.get("text")
            if text:
                sentences[normalise(text)] = text
        for text in _user_turns(yaml.safe_load(content) or {}):
            sentences[normalise(text)] = text
    return sentences


def _user_turns(data: Dict[str, Any]) -> Iterable[str]:
    for key in ("stories", "rules"):
        for block in data.get(key) or []:
            for step in block.get("steps") or []:
                if isinstance(step, dict) and isinstance(step.get("user"), str):
                    yield re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", step["user"])
