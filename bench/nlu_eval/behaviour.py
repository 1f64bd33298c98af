"""What the running bot does with a message: each message is sent as the first message
of its own conversation to the real Rasa, action and handoff servers, and the tracker
tells whether a person was offered or given (the ``handoff_reasons`` slot), which
actions answered and which FAQ, if any, was sent."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from bench.nlu_eval.dataset import ROOT
from tests.servers import Servers

FAQ_UTTER_PREFIX = "utter_faq/"
HONEST_ACTIONS = ("action_handle_unclear", "utter_out_of_scope", "action_default_fallback")
HANDOFF_ACTIONS = ("action_handoff", "action_offer_human")


@dataclass(frozen=True)
class Outcome:
    triggers: Tuple[str, ...]       # every trigger in handoff_reasons
    modes: Tuple[str, ...]          # offer | transfer, one per trigger
    actions: Tuple[str, ...]        # the actions run after the message
    faq_key: Optional[str]          # faq/<key> of the FAQ answer sent, if any
    replies: Tuple[str, ...]

    @property
    def handed_off(self) -> bool:
        return bool(self.triggers)

    @property
    def answered_with_faq(self) -> bool:
        return self.faq_key is not None

    @property
    def honest(self) -> bool:
        """The fallback or the out-of-scope answer, and no FAQ."""
        return not self.answered_with_faq and any(action in HONEST_ACTIONS for action in self.actions)


def faq_answers(domain_file: Path = ROOT / "bot" / "domain" / "faq.yml") -> Dict[str, str]:
    """Answer text -> faq/<key>: an FAQ answer is recognised by its text too, since an
    action (an offer of a person after the answer) may send it without the metadata."""
    responses = (yaml.safe_load(domain_file.read_text()) or {}).get("responses") or {}
    return {variant["text"].strip(): name[len("utter_"):]
            for name, variants in responses.items() if name.startswith(FAQ_UTTER_PREFIX)
            for variant in variants if variant.get("text")}


def outcome_from_tracker(tracker: Dict[str, Any], answers: Optional[Dict[str, str]] = None) -> Outcome:
    events = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    after = events[last_user + 1:]
    reasons: List[Dict[str, Any]] = []
    for event in after:
        if event.get("event") == "slot" and event.get("name") == "handoff_reasons" and event.get("value"):
            reasons = list(event["value"])
    actions = tuple(e["name"] for e in after if e.get("event") == "action" and e.get("name") != "action_listen")
    faq_key = None
    for event in after:
        utter = ((event.get("metadata") or {}).get("utter_action") or "") if event.get("event") == "bot" else ""
        if utter.startswith(FAQ_UTTER_PREFIX):
            faq_key = utter[len("utter_"):]
        elif event.get("event") == "bot" and answers and str(event.get("text") or "").strip() in answers:
            faq_key = answers[str(event.get("text")).strip()]
    return Outcome(
        triggers=tuple(str(r.get("trigger")) for r in reasons),
        modes=tuple(str(r.get("mode")) for r in reasons),
        actions=actions,
        faq_key=faq_key,
        replies=tuple(str(e.get("text") or "") for e in after if e.get("event") == "bot"),
    )


def run_one(servers: Servers, text: str, answers: Dict[str, str]) -> Outcome:
    sender = f"heldout-{uuid.uuid4().hex[:12]}"
    servers.say(sender, text)
    return outcome_from_tracker(servers.tracker(sender), answers)


def run_messages(servers: Servers, texts: Sequence[str], concurrency: int = 2) -> List[Outcome]:
    """One conversation per message, at most ``concurrency`` at a time, in order."""
    answers = faq_answers()
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        return list(pool.map(lambda text: run_one(servers, text, answers), texts))
