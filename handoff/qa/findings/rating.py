"""The customer's rating of the chat with a person (the session's, or the bot's slot)."""
from __future__ import annotations

from typing import Dict, List, Optional

from handoff.qa.finding import Finding
from handoff.qa.rubric import Rubric
from handoff.qa.view import QAView


def check(view: QAView, rubric: Rubric, answers: Dict[str, str]) -> List[Finding]:
    rating = _rating(view)
    if rating is None:
        return []
    turn = view.turns
    found = [Finding("rating", turn, f"rated {rating}/5", float(rating))]
    if rating <= rubric["low_rating"]:
        found.append(Finding("low_rating", turn, f"a low rating: {rating}/5", float(rating)))
    return found


def _rating(view: QAView) -> Optional[int]:
    if view.desk is not None and view.desk.rating is not None:
        return view.desk.rating
    values = [value for _, name, value in view.slots if name == "rating" and value is not None]
    try:
        return int(float(values[-1])) if values else None
    except (TypeError, ValueError):
        return None
