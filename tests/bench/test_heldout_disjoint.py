"""The held-out sets of bench/data/ are never trained on, and are well formed."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from bench.nlu_eval import HeldoutError
from bench.nlu_eval.dataset import (
    HANDOFF_HELDOUT, HANDOFF_LABELLED, HUMAN_INTENT, NLU_HELDOUT, Conversation, Item, faq_keys, known_routes,
    load_conversations, load_items, normalise, parse_item, training_sentences,
)


@pytest.fixture(scope="module")
def items() -> List[Item]:
    return load_items(NLU_HELDOUT)


@pytest.fixture(scope="module")
def conversations() -> List[Conversation]:
    return load_conversations(HANDOFF_HELDOUT)


@pytest.fixture(scope="module")
def trained() -> Dict[str, str]:
    return training_sentences()


def test_normalise_lowercases_collapses_spaces_and_strips_end_punctuation() -> None:
    assert normalise("  Where IS   my\torder?! ") == "where is my order"
    assert normalise("\"don't,\" he said.") == "don't,\" he said"


def test_training_sentences_are_read_without_entity_annotations(trained: Dict[str, str]) -> None:
    assert "track 12345 for alice@example.com" in trained  # "track [12345](order_number) for [...](email)"
    assert "how long does shipping take" in trained
    assert len(trained) > 300


def test_no_heldout_message_appears_in_the_training_data(
        items: List[Item], conversations: List[Conversation], trained: Dict[str, str]) -> None:
    texts = [item.text for item in items] + [m for c in conversations for m in c.messages]
    leaked = sorted({text for text in texts if normalise(text) in trained})
    assert not leaked, f"held-out messages found in data/ (rewrite them in bench/data/): {leaked}"


def test_heldout_messages_are_unique(items: List[Item]) -> None:
    counts = Counter(normalise(item.text) for item in items)
    assert [text for text, n in counts.items() if n > 1] == []


def test_every_category_and_skill_is_covered(items: List[Item]) -> None:
    categories = Counter(item.category for item in items)
    routes = Counter(item.route for item in items)
    assert len(items) >= 360
    assert categories["covered"] >= 200
    assert categories["human"] >= 40
    assert categories["complaint"] >= 30
    assert categories["uncovered"] >= 60
    assert categories["gibberish"] >= 20
    assert {key: routes[key] for key in faq_keys() if routes[key] < 4} == {}
    assert routes["track_order"] >= 20
    appointments = ("book_appointment", "reschedule_appointment", "cancel_appointment", "list_appointments")
    assert sum(routes[name] for name in appointments) >= 20 and all(routes[name] for name in appointments)
    assert all(routes[name] for name in ("greet", "thank", "goodbye", "bot_challenge"))


def test_routes_are_known_intents_and_faq_keys() -> None:
    routes = known_routes()
    assert {"track_order", HUMAN_INTENT, "faq/refund_timing", "greet"} <= routes
    assert "faq" not in routes


@pytest.mark.parametrize("raw, message", [
    ({"text": "x", "expect": {"route": "faq/no_such_key"}}, "neither an intent"),
    ({"text": "x", "expect": {"category": "angry"}}, "is not one of"),
    ({"text": "x", "expect": {"route": "greet", "category": "uncovered"}}, "has no route"),
    ({"text": "x", "expect": {"route": "greet", "category": "human"}}, "has route request_human"),
    ({"text": "x", "expect": {"route": "greet", "intent": "greet"}}, "unknown key"),
    ({"text": "x"}, "write it as"),
])
def test_a_malformed_item_is_rejected_with_what_to_fix(raw: dict, message: str) -> None:
    with pytest.raises(HeldoutError, match=message):
        parse_item(raw, 0, known_routes())


def test_handoff_conversations_are_new_and_mix_handoffs_with_routine(conversations: List[Conversation]) -> None:
    labelled = yaml.safe_load(Path(HANDOFF_LABELLED).read_text())["conversations"]
    old_ids = {c["id"] for c in labelled}
    old_messages = {tuple(normalise(m) for m in c["messages"]) for c in labelled}
    assert len(conversations) >= 30
    assert len({c.id for c in conversations}) == len(conversations)
    assert not old_ids & {c.id for c in conversations}
    assert not old_messages & {tuple(normalise(m) for m in c.messages) for c in conversations}
    assert sum(1 for c in conversations if c.gold_turn is None) >= 10
    assert {c.gold_reason for c in conversations} >= {"explicit", "sentiment", "loop", "gray_area"}


def test_a_gold_turn_outside_the_conversation_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text("conversations:\n- id: c1\n  messages: [hi]\n  gold: {turn: 2, reason: explicit}\n")
    with pytest.raises(HeldoutError, match="not a customer turn 1..1"):
        load_conversations(path)
