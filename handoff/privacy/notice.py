"""What the customer is told, once per conversation, when a card number they typed was
not kept: that it was removed and how to pay safely."""
from __future__ import annotations

from typing import Any, Iterable, Mapping

CARD_NOTICE = ("For your security I didn't keep the card number you typed, and nobody here will see it. "
               "Please never share card details in a chat: to pay, use the secure checkout on our website "
               "(My account > Orders > Pay now) or ask for a phone callback.")
NOTICE_FLAG = "card_notice"  # in the user event's metadata when the notice went with it


def told_before(events: Iterable[Any]) -> bool:
    """Has the conversation (Rasa events, as objects or dicts) had the notice already?"""
    for event in events:
        metadata = event.get("metadata") if isinstance(event, Mapping) else getattr(event, "metadata", None)
        if isinstance(metadata, Mapping) and metadata.get(NOTICE_FLAG):
            return True
    return False
