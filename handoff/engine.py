"""Runs the triggers on a conversation and decides: transfer, offer, or nothing.

A reason the customer already declined (or that already led to a person who handed
back) is not raised again unless it got worse by ``reoffer_drop``. When the customer
says yes to an offer, the offer becomes a transfer."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import List, Optional

from handoff.config import HandoffConfig
from handoff.conversation import ConversationView
from handoff.evidence import Evidence
from handoff.triggers import run_all

TRANSFER_ACTION = "action_handoff"
OFFER_ACTION = "action_offer_human"


@dataclass(frozen=True)
class Decision:
    action: str                # action_handoff or action_offer_human
    evidence: List[Evidence]   # every reason that fired, the deciding one first

    @property
    def mode(self) -> str:
        return "transfer" if self.action == TRANSFER_ACTION else "offer"


def decide(view: ConversationView, config: HandoffConfig) -> Optional[Decision]:
    if view.paused or view.latest is None:
        return None
    if view.accepted:
        latest = view.latest.index
        evidence = [replace(Evidence.from_dict(r), mode="transfer", turn=latest) for r in view.accepted]
        # What else fired on the yes ("yes, get me a real person") is evidence too.
        seen = {e.key for e in evidence}
        evidence += [_skilled(e, view, config) for e in run_all(view, config) if e.key not in seen]
        return Decision(TRANSFER_ACTION, evidence)
    fired = [e for e in run_all(view, config) if not _already_handled(e, view, config)]
    if not fired:
        return None
    fired.sort(key=lambda e: e.rank(), reverse=True)
    fired = [_skilled(e, view, config) for e in fired]
    return Decision(TRANSFER_ACTION if fired[0].mode == "transfer" else OFFER_ACTION, fired)


def _already_handled(evidence: Evidence, view: ConversationView, config: HandoffConfig) -> bool:
    if evidence.trigger == "explicit" or evidence.key not in view.declined:
        return False
    before = view.declined[evidence.key]
    distance_now = round(abs(evidence.value - evidence.threshold), 6)
    distance_then = round(abs(before - evidence.threshold), 6)
    return distance_now < round(distance_then + config.reoffer_drop, 6)


def _skilled(evidence: Evidence, view: ConversationView, config: HandoffConfig) -> Evidence:
    """A reason routed to the general queue goes to the skill of what the customer was
    asking about, when handoff.yml's skills_by_intent names one (sensitive topics keep theirs)."""
    if evidence.skill != config.route("default").skill or not config.skills_by_intent:
        return evidence
    for turn in reversed(view.turns):
        for name in (turn.intent or "", (turn.intent or "").split("/")[0]):
            skill = config.skills_by_intent.get(name)
            if skill:
                return replace(evidence, skill=skill)
    return evidence
