"""MessageGuard: routes input the NLU model cannot judge to the fallback intent.

Placed last in the NLU pipeline, it overrides the classification of messages that
are empty, longer than ``max_characters`` or written mostly in a non-Latin script,
and of what a messaging channel marks in the message's metadata as something other
than new text (``attachment``: a photo, a voice note...; ``edited``: an edit),
and records why under the ``message_guard`` key of the parse data, so the fallback
action (actions/fallback.py) can say exactly what went wrong.
"""
from __future__ import annotations

import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message

GUARD_KEY = "message_guard"
FALLBACK_INTENT = "nlu_fallback"


def guard_reason(text: Optional[str], max_characters: int, metadata: Any = None) -> Optional[str]:
    """Why a message should go to the fallback, or None when it is fine."""
    if isinstance(metadata, dict) and metadata.get("attachment"):
        return "media"
    if isinstance(metadata, dict) and metadata.get("edited"):
        return "edited"
    if text is None or not text.strip():
        return "empty"
    if len(text) > max_characters:
        return "too_long"
    if _mostly_non_latin(text):
        return "language"
    return None


def _mostly_non_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2:
        return False
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin / len(letters) < 0.5


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class MessageGuard(GraphComponent):
    """Sends empty, over-long, foreign-script, media and edited messages to the fallback."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_characters": 5000}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MessageGuard:
        return cls(config)

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._max_characters = int(config["max_characters"])

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            reason = guard_reason(message.get(TEXT), self._max_characters, message.get(METADATA))
            if reason is None:
                continue
            message.data[INTENT] = {"name": FALLBACK_INTENT, "confidence": 1.0}
            message.data[INTENT_RANKING_KEY] = [message.data[INTENT]]
            message.data[ENTITIES] = []
            # Its own reply says what went wrong: the message is not a request outside the
            # bot's coverage (the gray-area trigger must not count it as one).
            message.data.pop("coverage", None)
            message.set(GUARD_KEY, {"reason": reason}, add_to_output=True)
        return messages
