"""The deterministic demo orders of the embedded order store.

Dates are offsets from the day the store is seeded, so a shipped order's estimated
delivery is always ahead of the demo. The first six are named in the README.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from typing import List

from actions.order_store import STATUSES, Order

CARRIERS = ("Royal Mail", "DPD", "DHL", "UPS", "Evri")
ITEMS = (
    "wireless headphones", "coffee grinder", "desk lamp", "running shoes", "oak bookshelf",
    "blender", "phone case", "winter jacket", "board game", "electric kettle",
)
CUSTOMERS = (
    "alice@example.com", "bob@example.com", "carol@example.com", "dan@example.com",
    "erin@example.com", "frank@example.com", "grace@example.com", "heidi@example.com",
)


def demo_orders(today: date, count: int = 60) -> List[Order]:
    """``count`` orders, the same ones every time for the same ``today``."""
    def d(days: int) -> date:
        return today + timedelta(days=days)

    orders = [
        Order("10001", "alice@example.com", "shipped", d(-3), "wireless headphones", "DPD", "DPD7712345601", d(1)),
        Order("10002", "alice@example.com", "delivered", d(-12), "coffee grinder", "Royal Mail", "RM448812203GB", d(-8), d(-8)),
        Order("10003", "bob@example.com", "delayed", d(-9), "oak bookshelf", "DHL", "DHL5520044103", d(4)),
        Order("10004", "bob@example.com", "cancelled", d(-5), "running shoes"),
        Order("10005", "alice@example.com", "processing", d(0), "desk lamp", estimated_delivery=d(4)),
        Order("10006", "bob@example.com", "returned", d(-30), "winter jacket", "UPS", "1Z999AA10123456784", d(-25), d(-24), d(-15)),
    ]
    rng = random.Random(20261124)
    for number in range(10007, 10001 + count):
        status = STATUSES[rng.randrange(len(STATUSES))]
        placed = rng.randint(-40, 0)
        carrier = CARRIERS[rng.randrange(len(CARRIERS))]
        tracking = f"{carrier[:3].upper().replace(' ', '')}{rng.randint(10**9, 10**10 - 1)}"
        shipped = status in ("shipped", "delivered", "delayed", "returned")
        orders.append(Order(
            number=str(number),
            email=CUSTOMERS[rng.randrange(len(CUSTOMERS))],
            status=status,
            placed_on=d(placed),
            items=ITEMS[rng.randrange(len(ITEMS))],
            carrier=carrier if shipped else None,
            tracking_number=tracking if shipped else None,
            estimated_delivery=d(max(placed + 5, 1)) if status in ("processing", "shipped", "delayed") else None,
            delivered_on=d(min(placed + 4, 0)) if status in ("delivered", "returned") else None,
            returned_on=d(min(placed + 10, 0)) if status == "returned" else None,
        ))
    return orders
