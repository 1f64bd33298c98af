"""Rules that adapt the handoff to how busy the desk is (handoff.yml ``load:``).

- busy: the estimated wait for a new customer is above ``busy.max_wait_seconds``, or no
  agent on duty has a free place: a transfer of a priority in ``busy.applies_to`` gets a
  callback or a message instead of a place in the queue; other priorities (urgent legal
  or safety reasons) still transfer. The service applies it when a transfer arrives.
- idle: nobody waits and agents have ``idle.min_free_places`` free places in all: the
  sentiment trigger uses the idle thresholds, so a person is offered earlier. The
  handoff policy applies it with the desk's state it polls from the service.

Pure functions of the desk's state; the decisions are made in one place each."""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from handoff.config import HandoffConfig
from handoff.control.settings import LoadRules
from handoff.conversation import ConversationView
from handoff.engine import Decision, decide

BUSY, IDLE, NORMAL, CLOSED = "busy", "idle", "normal", "closed"
BUSY_RULE, IDLE_RULE = "load.busy", "load.idle"


@dataclass(frozen=True)
class DeskLoad:
    state: str                    # busy | idle | normal | closed (nobody on duty)
    agents_present: int
    free_places: int
    waiting: int
    estimated_wait_seconds: int
    why: str = ""                 # for the customer, when busy

    def as_dict(self) -> Dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> DeskLoad:
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})


def desk_load(on_duty: bool, places: Sequence[Tuple[int, int]], waiting: int, wait_per_session: int,
              rules: LoadRules) -> DeskLoad:
    """`places`: (capacity, open chats) of each agent present; `waiting`: customers in the queue."""
    free = sum(max(0, capacity - taken) for capacity, taken in places)
    wait = 0 if free > waiting else (waiting + 1 - free) * wait_per_session
    if not on_duty:
        return DeskLoad(CLOSED, len(places), free, waiting, wait)
    if wait > rules.busy.max_wait_seconds:
        why = f"our team is very busy right now (the wait is over {max(1, round(wait / 60))} minutes)"
        return DeskLoad(BUSY, len(places), free, waiting, wait, why)
    if rules.busy.no_capacity and free == 0:
        return DeskLoad(BUSY, len(places), free, waiting, wait, "everyone in our team is helping other customers")
    if waiting == 0 and free >= rules.idle.min_free_places:
        return DeskLoad(IDLE, len(places), free, waiting, wait)
    return DeskLoad(NORMAL, len(places), free, waiting, wait)


def instead_of_queue(priority: str, load: DeskLoad, rules: LoadRules) -> Optional[str]:
    """"callback" or "message" when the busy rule takes this transfer out of the queue; None otherwise."""
    if rules.enabled and load.state == BUSY and priority in rules.busy.applies_to:
        return rules.busy.instead
    return None


def idle_config(config: HandoffConfig, rules: LoadRules) -> HandoffConfig:
    """The configuration with the idle rule's (earlier) sentiment thresholds."""
    sentiment = replace(config.sentiment, strong_negative=max(config.sentiment.strong_negative,
                                                              rules.idle.strong_negative),
                        trend_threshold=max(config.sentiment.trend_threshold, rules.idle.trend_threshold))
    return replace(config, sentiment=sentiment)


def decide_under_load(view: ConversationView, config: HandoffConfig, load: Optional[DeskLoad]) -> Optional[Decision]:
    """The engine's decision; with the desk idle, also what the idle thresholds find (marked with the rule)."""
    decision = decide(view, config)
    rules = config.desk.load if config.desk is not None else None
    if decision is not None or load is None or rules is None or not rules.enabled or load.state != IDLE:
        return decision
    earlier = decide(view, idle_config(config, rules))
    if earlier is None:
        return None
    evidence = [replace(e, rule=IDLE_RULE, detail=f"{e.detail} (offered earlier: agents are free)")
                for e in earlier.evidence]
    return Decision(earlier.action, evidence)
