"""Order tracking: the order form's validation and the status lookup.

Nothing about an order is said until the email on it matches; a wrong email and an
unknown number get the same answer. After MAX_ATTEMPTS failures no more lookups are
made in that conversation, and a few failures for one order number or one email stop
lookups of it from any conversation for a while (actions.lookup_guard): neither
``/restart`` nor a new chat gives an attacker new tries.
"""
from __future__ import annotations

import hmac
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import services
from actions.errors import StoreUnavailable
from actions.order_store import Order

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
ORDER_NUMBER = re.compile(r"(?<!\d)#?\s{0,3}(\d{5,12})(?!\d)")
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,6}")


def find_order_number(text: Optional[str]) -> Optional[str]:
    match = ORDER_NUMBER.search(text or "")
    return match.group(1) if match else None


def find_email(text: Optional[str]) -> Optional[str]:
    match = EMAIL.search(text or "")
    return match.group(0).lower() if match else None


def attempts(tracker: Tracker) -> int:
    return int(tracker.get_slot("order_failed_attempts") or 0)


class ValidateOrderForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_order_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        return [] if attempts(tracker) >= MAX_ATTEMPTS else domain_slots

    def validate_order_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        number = find_order_number(str(value))
        if number is None:
            dispatcher.utter_message(
                text="That doesn't look like an order number. It's the number of at least 5 digits "
                "in your confirmation email, like 10001."
            )
        return {"order_number": number}

    def validate_order_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        email = find_email(str(value))
        if email is None:
            dispatcher.utter_message(text="That doesn't look like an email address, like name@example.com.")
        return {"order_email": email}


class ActionCheckOrder(Action):
    def name(self) -> Text:
        return "action_check_order"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        reset = [SlotSet("order_number", None), SlotSet("order_email", None)]
        guard = services.lookup_guard()
        number, email = tracker.get_slot("order_number"), tracker.get_slot("order_email")
        try:  # the slot counts this chat; the guard also what came before a /restart
            failed = max(attempts(tracker), await guard.conversation_failures(tracker.sender_id))
            if failed >= MAX_ATTEMPTS:
                dispatcher.utter_message(text=locked_text())
                return reset
            if not number or not email:
                dispatcher.utter_message(text="I need both the order number and the email on the order to look it up.")
                return reset
            if await guard.blocked(tracker.sender_id, str(number), str(email)):
                dispatcher.utter_message(text=paused_text())
                return reset
            order = await services.order_store().find(number)
            if order is None or not _same_email(order.email, email):
                await guard.failed(tracker.sender_id, str(number), str(email))
        except StoreUnavailable as exc:
            logger.error("order lookup failed: %s", exc)
            dispatcher.utter_message(
                text="Sorry, I can't reach our order system right now. Please try again in a few minutes."
            )
            return reset
        if order is None or not _same_email(order.email, email):
            return reset + self._failed(dispatcher, number, failed + 1)
        dispatcher.utter_message(text=status_text(order))
        return reset + [SlotSet("customer_email", order.email)]

    @staticmethod
    def _failed(dispatcher: CollectingDispatcher, number: str, failed: int) -> List[EventType]:
        if failed >= MAX_ATTEMPTS:
            dispatcher.utter_message(text=locked_text())
        else:
            left = MAX_ATTEMPTS - failed
            dispatcher.utter_message(
                text=f"I couldn't find an order {number} with that email address. Please check both "
                f"and try again ({left} {'try' if left == 1 else 'tries'} left)."
            )
        return [SlotSet("order_failed_attempts", float(failed))]


def paused_text() -> str:
    """Too many failed lookups of this order or with this email, from any chat."""
    return (
        "For your security I can't look up that order right now: there have been too many unsuccessful tries. "
        "Please try again later, check your confirmation email, or contact help@shop.example."
    )


def locked_text() -> str:
    return (
        "For your security I can't look up more orders in this chat after 3 unsuccessful tries. "
        "Please check your confirmation email, or contact help@shop.example."
    )


def _same_email(on_order: str, given: str) -> bool:
    return hmac.compare_digest(on_order.strip().lower().encode(), given.strip().lower().encode())


def status_text(order: Order) -> str:
    """What the customer is told about a verified order."""
    head = f"Order {order.number} ({order.items})"
    if order.status == "processing":
        eta = f" It should arrive by {_day(order.estimated_delivery)}." if order.estimated_delivery else ""
        return f"{head} is being prepared in our warehouse and hasn't shipped yet.{eta}"
    if order.status == "shipped":
        return (
            f"{head} has shipped with {order.carrier}, tracking number {order.tracking_number}. "
            f"Estimated delivery: {_day(order.estimated_delivery)}."
        )
    if order.status == "delivered":
        return f"{head} was delivered on {_day(order.delivered_on)}."
    if order.status == "delayed":
        return (
            f"{head} is delayed with {order.carrier} (tracking number {order.tracking_number}), sorry about that. "
            f"The new estimated delivery is {_day(order.estimated_delivery)}."
        )
    if order.status == "cancelled":
        return f"{head} was cancelled. If you paid, the refund went back to your original payment method."
    if order.status == "returned":
        return f"{head} was returned on {_day(order.returned_on)}; the refund is issued within 3 working days of arrival."
    return f"{head} has status '{order.status}'."


def _day(value: Any) -> str:
    return value.strftime("%A %-d %B") if value else "a date we don't have yet"
