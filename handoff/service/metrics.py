"""The desk in figures, from the sessions themselves: why conversations came to people,
how long customers waited for one, how sessions ended and how customers rated them.
A pure function of the sessions, so the same numbers come from any instance."""
from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Dict, Optional, Sequence

from handoff.service.store import ABANDONED, CLOSED, QUEUED, RETURNED, Session


def _quantile(values: Sequence[float], q: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def _share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 3) if whole else None


def first_trigger(context: Any) -> str:
    """The trigger of a session's first reason; "unknown" for anything odd a store may hold."""
    reasons = context.get("reasons") if isinstance(context, dict) else None
    first = reasons[0] if isinstance(reasons, list) and reasons else None
    trigger = first.get("trigger") if isinstance(first, dict) else None
    return trigger if isinstance(trigger, str) and trigger else "unknown"


def desk_metrics(sessions: Sequence[Session], now: datetime) -> Dict[str, Any]:
    closed = [s for s in sessions if s.status in CLOSED]
    waits = [(s.assigned_at - s.created_at).total_seconds() for s in sessions if s.assigned_at]
    waiting = [(now - s.created_at).total_seconds() for s in sessions if s.customer_waiting]
    ratings = [s.rating for s in sessions if s.rating is not None]
    reasons = [first_trigger(s.context) for s in sessions]
    return {
        "sessions": len(sessions),
        "by_status": dict(Counter(s.status for s in sessions)),
        "by_reason": dict(Counter(reasons).most_common()),
        "by_skill": dict(Counter(s.skill for s in sessions).most_common()),
        "left_as_message": sum(1 for s in sessions if s.left_message_at is not None),
        "escalated": sum(1 for s in sessions if s.escalated),
        "time_to_agent_seconds": {"accepted": len(waits), "p50": _quantile(waits, 0.5), "p90": _quantile(waits, 0.9)},
        "waiting_now": {"customers": len(waiting), "longest_seconds": round(max(waiting), 1) if waiting else None},
        "returned_to_bot_share": _share(sum(1 for s in closed if s.status == RETURNED), len(closed)),
        "abandoned_share": _share(sum(1 for s in closed if s.status == ABANDONED), len(closed)),
        "rating": {"count": len(ratings), "average": round(sum(ratings) / len(ratings), 2) if ratings else None,
                   "by_value": {str(v): ratings.count(v) for v in range(1, 6)}},
        "queued_now": sum(1 for s in sessions if s.status == QUEUED),
    }
