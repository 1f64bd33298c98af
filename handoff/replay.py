"""Replay: run the current handoff.yml over stored conversations, turn by turn, with
the same trigger code as the live policy, and report whether, when and why each
would hand off. No server, no retraining.

Conversations come from Rasa's tracker store (any type Rasa supports, read through
Rasa's own TrackerStore from an endpoints file) or from an exported JSON file: a list
of trackers as ``GET /conversations/{id}/tracker`` returns them (``sender_id`` and
``events``), or one such tracker per line (JSONL).
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from handoff.config import HandoffConfig
from handoff.control.load_rules import BUSY_RULE, DeskLoad, decide_under_load, instead_of_queue
from handoff.conversation import HANDOFF_SLOT, build_view
from handoff.engine import Decision
from handoff.errors import HandoffError

# Events a previous configuration left behind; a replay judges the conversation afresh.
_EARLIER_HANDOFF = ("pause", "resume")


@dataclass
class ReplayResult:
    conversation_id: str
    turns: int
    decision: Optional[Decision] = None
    turn: Optional[int] = None
    rule: Optional[str] = None      # a load rule that acted (load.idle, load.busy)
    instead: Optional[str] = None   # load.busy: callback or message instead of a queue place

    def as_dict(self) -> Dict[str, Any]:
        return {
            "conversation_id": self.conversation_id, "turns": self.turns,
            "hands_off": self.decision is not None, "turn": self.turn,
            "mode": self.decision.mode if self.decision else None, "rule": self.rule, "instead": self.instead,
            "reasons": [e.as_dict() for e in self.decision.evidence] if self.decision else [],
        }


@dataclass
class ReplaySummary:
    results: List[ReplayResult] = field(default_factory=list)

    def totals(self) -> Dict[str, Any]:
        fired = [r for r in self.results if r.decision]
        return {
            "conversations": len(self.results),
            "hand_off": len(fired),
            "rate": round(len(fired) / len(self.results), 4) if self.results else 0.0,
            "transfers": sum(1 for r in fired if r.decision.mode == "transfer"),
            "offers": sum(1 for r in fired if r.decision.mode == "offer"),
            "by_reason": dict(Counter(r.decision.evidence[0].key for r in fired).most_common()),
            "load_rules": dict(Counter(r.rule for r in fired if r.rule).most_common()),
        }


def replay_events(conversation_id: str, events: List[Dict[str, Any]], config: HandoffConfig,
                  load: Optional[DeskLoad] = None) -> ReplayResult:
    """With `load`, as if the desk had been in that state (handoff.yml ``load:`` rules)."""
    clean = [e for e in events if e.get("event") not in _EARLIER_HANDOFF
             and not (e.get("event") == "slot" and e.get("name") == HANDOFF_SLOT)]
    user_positions = [i for i, e in enumerate(clean) if e.get("event") == "user"]
    for turn, position in enumerate(user_positions, start=1):
        decision = decide_under_load(build_view(clean[: position + 1]), config, load)
        if decision is not None:
            result = ReplayResult(conversation_id, len(user_positions), decision, turn,
                                  rule=next((e.rule for e in decision.evidence if e.rule), None))
            instead = instead_of_queue(decision.evidence[0].priority, load, config.desk.load) \
                if load is not None and decision.mode == "transfer" else None
            if instead is not None:
                result.rule, result.instead = BUSY_RULE, instead
            return result
    return ReplayResult(conversation_id, len(user_positions))


def replay(conversations: Iterable[Dict[str, Any]], config: HandoffConfig,
           load: Optional[DeskLoad] = None) -> ReplaySummary:
    summary = ReplaySummary()
    for tracker in conversations:
        summary.results.append(replay_events(str(tracker.get("sender_id")), tracker.get("events") or [], config,
                                             load))
    return summary


def load_export(path: Path) -> List[Dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise HandoffError(f"{path}: cannot be read ({exc.strerror}); give an exported JSON or JSONL file") from exc
    try:
        data = json.loads(text)
        trackers = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        try:
            trackers = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise HandoffError(f"{path}: is neither JSON nor JSONL ({exc})") from exc
    bad = [i for i, t in enumerate(trackers) if not isinstance(t, dict) or "events" not in t]
    if bad:
        raise HandoffError(f"{path}: item {bad[0]} is not a tracker with 'sender_id' and 'events'")
    return trackers


async def load_tracker_store(endpoints: Path, since: Optional[datetime] = None) -> List[Dict[str, Any]]:
    """Every conversation in the tracker store configured in ``endpoints``."""
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    # Rasa expands every ${VAR} of the file; the action server's secret is not needed to read conversations.
    os.environ.setdefault("ACTIONS_TOKEN", "")
    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None:
        raise HandoffError(f"{endpoints}: has no tracker_store section; give one, or use --file")
    store = TrackerStore.create(config)
    trackers = []
    for sender_id in await store.keys():
        tracker = await store.retrieve_full_tracker(sender_id)
        if tracker is None:
            continue
        events = [e.as_dict() for e in tracker.events]
        last = max((e.get("timestamp") or 0 for e in events), default=0)
        if since is None or datetime.fromtimestamp(last, timezone.utc) >= since:
            trackers.append({"sender_id": sender_id, "events": events})
    return trackers
