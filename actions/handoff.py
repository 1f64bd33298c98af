"""The Rasa side of a transfer to a person, and the offer of one.

``action_handoff`` builds the HandoffContext from the full tracker, posts it to the
handoff service, tells the customer a person will take over (with their place in the
queue) and pauses the conversation (ConversationPaused), keeping the reasons in
``handoff_reasons``. When no service is configured or it cannot take the
conversation, the customer is told so and offered a callback; nothing is paused.
``action_offer_human`` answers what it can and asks whether the customer wants a
person; a yes becomes a transfer (HandoffPolicy), a no is remembered.
``action_back_from_agent`` is run by the handoff service after an agent hands the
conversation back: the bot takes over where the person left it and asks for a rating
(once per handoff: a retried hand-back finds it asked already),
which ``action_record_rating`` takes only while it is asked for (``rating_requested``)."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.errors import HandoffUnavailable
from actions.fallback import reply_for
from handoff.context import build_context
from handoff.relay.handback import prompt_due

logger = logging.getLogger(__name__)
WORDS = ["one", "two", "three", "four", "five"]
RATING = re.compile(r"(?<![\d/])\b([1-5])\b(?!\d)|\b(one|two|three|four|five)\b")
RATING_REQUESTED = "rating_requested"
# What a customer may say between the request and the rating without having moved on.
STILL_ON_THE_RATING = {"rate_agent", "affirm", "deny", "thank", "goodbye", "greet", "nlu_fallback"}
RATING_BUTTONS = [{"title": str(n), "payload": f'/rate_agent{{"rating": "{n}"}}'} for n in range(1, 6)]
CALLBACK = [{"title": "Book a phone callback", "payload": "book a phone callback"},
            {"title": "No thanks", "payload": "/deny"}]

YES_NO = [{"title": "Yes, a person please", "payload": "/affirm"}, {"title": "No, carry on", "payload": "/deny"}]
TEAMS = {
    "legal": "our customer relations team", "payments": "our payments team", "privacy": "our data protection team",
    "safety": "our product safety team", "customer_care": "our customer care team", "retention": "our accounts team",
    "sales": "our business sales team",
}
OFFERS = {
    "sentiment": "I'm sorry this has been frustrating.",
    "loop": "I don't seem to be getting this right.",
    "gray_area:low_confidence": "I'm not sure I've understood you correctly.",
    "gray_area:ambiguous": "I'm not sure I've understood you correctly.",
    "gray_area:out_of_scope": "That's outside what I can help with.",
}


def top_reason(tracker: Tracker) -> Optional[Dict[str, Any]]:
    reasons = tracker.get_slot("handoff_reasons") or []
    return reasons[0] if reasons else None


def faq_answer(tracker: Tracker) -> Optional[str]:
    """The ResponseSelector's answer to the latest message, if it was a FAQ."""
    selector = (tracker.latest_message.get("response_selector") or {}).get("faq") or {}
    responses = (selector.get("response") or {}).get("responses") or []
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    return responses[0].get("text") if intent == "faq" and responses else None


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        reason = top_reason(tracker) or {}
        team = TEAMS.get(reason.get("skill", ""), "a member of our team")
        service = services.handoff_service()
        try:
            if service is None:
                raise HandoffUnavailable("HANDOFF_URL is not set")
            context = build_context(tracker.sender_id, tracker.events, tracker.slots,
                                    tracker.get_latest_input_channel())
            ticket = await service.open(context.as_dict())
        except HandoffUnavailable as exc:
            logger.warning("no transfer for %s: %s", tracker.sender_id, exc)
            dispatcher.utter_message(
                text="I'm sorry: I can't reach our team right now, so nobody could take over this chat. "
                "I can book a phone callback so a person calls you, or you can carry on with me.",
                buttons=CALLBACK)
            return [ActiveLoop(None)]
        if ticket.instead:  # the desk is busy (handoff.yml load.busy): the customer is told why
            callback = ticket.instead == "callback"
            dispatcher.utter_message(
                text=f"I'm sorry: {ticket.reason}, so rather than keep you waiting I've passed our conversation on "
                "as a message, and someone will reply here as soon as they can."
                + (" If you prefer, I can book a phone callback for you." if callback else ""),
                buttons=CALLBACK if callback else [])
            return [ActiveLoop(None)]
        if not ticket.on_duty and reason.get("trigger") == "kill_switch":
            dispatcher.utter_message(
                text="I'm sorry: our assistant is paused for maintenance and nobody from our team is available "
                f"right now ({ticket.reason}). I've passed your question on as a message, and someone will reply "
                "here as soon as they can. I can also book a phone callback for you.", buttons=CALLBACK)
            return [ActiveLoop(None)]
        if not ticket.on_duty:
            dispatcher.utter_message(
                text=f"I'm sorry: {ticket.reason}, so nobody can take over this chat now. I've passed our "
                "conversation on as a message, and someone will reply here as soon as they can. I can also "
                "book a phone callback for you.", buttons=CALLBACK)
            return [ActiveLoop(None)]
        dispatcher.utter_message(
            text=f"I'm passing you to {team} now. They'll see our whole conversation, so you won't need to "
            f"repeat yourself. {_queue(ticket.position, ticket.wait_seconds)} Please stay in this chat; "
            "a person will reply here. If you'd rather not wait, say \"never mind\"."
        )
        # The person takes over from here: no form stays half-way open.
        return [ActiveLoop(None), ConversationPaused()]


def _queue(position: int, wait_seconds: int) -> str:
    if position <= 1:
        return "You're next in the queue."
    minutes = max(1, round(wait_seconds / 60))
    return f"You're number {position} in the queue; the wait is about {minutes} minute{'s' if minutes > 1 else ''}."


class ActionOfferHuman(Action):
    def name(self) -> Text:
        return "action_offer_human"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        answer = faq_answer(tracker)
        if answer:
            dispatcher.utter_message(text=answer)
        reason = top_reason(tracker) or {}
        key = reason.get("reason") or reason.get("trigger", "")
        lead = OFFERS.get(key, OFFERS.get(reason.get("trigger", ""), ""))
        if key.startswith("gray_area:") and key not in OFFERS:
            lead = f"{TEAMS.get(reason.get('skill', ''), 'A person').capitalize()} can help with this best."
        dispatcher.utter_message(text=f"{lead} Would you like me to connect you with a person?".strip(), buttons=YES_NO)
        return []


class ActionBackFromAgent(Action):
    def name(self) -> Text:
        return "action_back_from_agent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not prompt_due(tracker.events):
            return []  # a retried hand-back: the customer was asked already
        dispatcher.utter_message(text="Is there anything else I can help you with?")
        dispatcher.utter_message(text="And if you have a second: how did our team do, from 1 (poor) to 5 (great)?",
                                 buttons=RATING_BUTTONS)
        return [SlotSet(RATING_REQUESTED, True)]


class ActionRecordRating(Action):
    def name(self) -> Text:
        return "action_record_rating"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if not rating_asked_for(tracker):  # "1 December at 10:30" is not a rating then
            dispatcher.utter_message(text=reply_for(tracker.latest_message))
            return [SlotSet(RATING_REQUESTED, False)] if tracker.get_slot(RATING_REQUESTED) else []
        rating = rating_in(tracker.latest_message)
        if rating is None:
            dispatcher.utter_message(text="If you'd like to rate our team, send a number from 1 to 5.")
            return []
        service = services.handoff_service()
        try:
            recorded = service is not None and await service.rate(tracker.sender_id, rating)
        except HandoffUnavailable as exc:
            logger.error("rating %s of %s not recorded: %s", rating, tracker.sender_id, exc)
            recorded = False
        thanks = "Thank you, that helps us a lot." if recorded else "Thank you."
        dispatcher.utter_message(text=f"{thanks} Anything else I can do for you?")
        return [SlotSet(RATING_REQUESTED, False)]


def rating_asked_for(tracker: Tracker) -> bool:
    """A rating was asked for and the customer has not moved on to something else since
    (a question, an order, a booking): only thanks, yes/no, greetings or a rating."""
    if not tracker.get_slot(RATING_REQUESTED):
        return False
    asked = max((i for i, e in enumerate(tracker.events)
                 if e.get("event") == "slot" and e.get("name") == RATING_REQUESTED and e.get("value")), default=-1)
    said = [e for e in tracker.events[asked + 1:] if e.get("event") == "user"][:-1]  # before this message
    return all(((e.get("parse_data") or {}).get("intent") or {}).get("name") in STILL_ON_THE_RATING for e in said)


def rating_in(message: Dict[str, Any]) -> Optional[int]:
    """1-5 from the button's entity or from what the customer typed ("4 stars", "five")."""
    for entity in message.get("entities") or []:
        value = str(entity.get("value")).strip()
        if entity.get("entity") == "rating" and value in ("1", "2", "3", "4", "5"):
            return int(value)
    found = RATING.search((message.get("text") or "").lower())
    if not found:
        return None
    return int(found.group(1)) if found.group(1) else WORDS.index(found.group(2)) + 1
