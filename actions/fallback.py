"""The honest answer to a message the assistant did not understand.

The NLU pipeline sends empty, over-long and foreign-script messages, media and edits
from messaging channels, and anything
it is not confident about, to the ``nlu_fallback`` intent; bot.components.
message_guard records why, and this action says so in plain words.
"""
from __future__ import annotations

import re
from typing import Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

REPLIES: Dict[str, str] = {
    "empty": "It looks like your message was empty. What can I help you with?",
    "too_long": "That message is too long for me to read (the limit is 5,000 characters). "
    "Could you send the main question in a shorter message?",
    "language": "Sorry, I can only chat in English for now. I can answer shop questions, "
    "track an order or book an appointment.",
    "media": "I can only read text messages, so I can't see photos, voice notes, stickers or files. "
    "Could you tell me in words what you need? If a person should look at it, say \"talk to a person\".",
    "edited": "I saw that you edited a message, but I only read new ones. "
    "Please send the corrected text as a new message.",
}
UNCLEAR = (
    "Sorry, I didn't understand that. I can answer questions about delivery, returns, payments and "
    "more, track an order, or book a store visit or a callback. Could you say it another way?"
)


NOT_AN_ORDER_NUMBER = (
    "That doesn't look like an order number. It's the number of at least 5 digits in your "
    "confirmation email, like 10001. What's your order number?"
)
# "order 123", "#99999999999999999999", "123": a number that cannot be an order
# number (5 to 12 digits), after the word order or a '#', or alone (3+ digits).
_AFTER_ORDER = re.compile(r"(?:\border\b\D{0,40}?|#\s{0,5})(\d+)\D{0,40}$", re.IGNORECASE)
_ALONE = re.compile(r"^\s*(\d{3,})\s*$")


def malformed_order_number(text: Optional[str]) -> bool:
    """Whether the message looks like an attempt at an order number that is not one."""
    match = _AFTER_ORDER.search(text or "") or _ALONE.match(text or "")
    return bool(match) and not 5 <= len(match.group(1)) <= 12


def reply_for(latest_message: Dict) -> str:
    guard = latest_message.get("message_guard") or {}
    if guard.get("reason") in REPLIES:
        return REPLIES[guard["reason"]]
    if malformed_order_number(latest_message.get("text")):
        return NOT_AN_ORDER_NUMBER
    return UNCLEAR


class ActionHandleUnclear(Action):
    def name(self) -> Text:
        return "action_handle_unclear"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(text=reply_for(tracker.latest_message))
        # Forget the unclear turn so it does not steer the next prediction.
        return [UserUtteranceReverted()]
