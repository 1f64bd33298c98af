"""Where a hand-back stands, read from the conversation's tracker events (dicts, as the
HTTP API and the action server see them). Pure: no I/O.

A hand-back resumes the paused conversation and runs the bot's hand-back action, which
asks the customer for a rating (the closing prompt) and sets the slot
``rating_requested``. Either step may be cut short by a timeout or a crash, or the
action may not run at all (Rasa logs it as run without events when the action server
is down), and the agent (or the reconciliation) tries again: the prompt is due once per
handoff, that is until that slot is set after the latest pause."""
from __future__ import annotations

from typing import Any, Dict, Iterable

HANDBACK_ACTION = "action_back_from_agent"
PROMPTED_SLOT = "rating_requested"  # set by the hand-back action when it asks


def last_word_key(session_id: str, back: bool) -> str:
    """The fixed id of the desk's last word to the customer when a session ends: handed back, or closed."""
    return f"{'back' if back else 'end'}-{session_id}"


def _prompted(event: Dict[str, Any]) -> bool:
    return event.get("event") == "slot" and event.get("name") == PROMPTED_SLOT and bool(event.get("value"))


def prompt_due(events: Iterable[Dict[str, Any]]) -> bool:
    """No closing prompt since the conversation was last paused (or ever, if it never was)."""
    for event in reversed(list(events)):
        if _prompted(event):
            return False
        if event.get("event") == "pause":
            return True
    return True


def half_handed_back(events: Iterable[Dict[str, Any]]) -> bool:
    """Paused, then resumed, and the closing prompt not given: a hand-back stopped half-way."""
    resumed = False
    for event in reversed(list(events)):
        if _prompted(event):
            return False
        resumed = resumed or event.get("event") == "resume"
        if event.get("event") == "pause":
            return resumed
    return False
