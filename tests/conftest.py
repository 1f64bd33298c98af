"""Shared fixtures. Tests that need something absent (a browser, a service) skip with
the reason, unless REQUIRE_SERVICES=1 (set by .ci/run) turns the skip into a failure."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

ROOT = Path(__file__).resolve().parent.parent


def require(condition: bool, reason: str) -> None:
    """Skip (or fail under REQUIRE_SERVICES=1) when ``condition`` is false."""
    if condition:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"required for this run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def domain_dict() -> Dict[str, Any]:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "bot" / "domain")).as_dict()


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    text: str = "",
    intent: str = "inform",
    sender_id: str = "customer-1",
    extra: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    active_loop: Optional[str] = None,
) -> Any:
    """A rasa_sdk Tracker as the action server receives it."""
    from rasa_sdk import Tracker

    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []}
    latest.update(extra or {})
    return Tracker(
        sender_id=sender_id,
        slots=dict(slots or {}),
        latest_message=latest,
        events=list(events or []),
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )
