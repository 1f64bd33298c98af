"""A conversation as the triggers see it: customer turns with what the NLU made of
them and what the bot did after each, built from Rasa tracker events (as dicts, the
form the tracker store and the HTTP API use). Pure: no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

HANDOFF_SLOT = "handoff_reasons"
ACCEPT_INTENTS = ("affirm", "request_human")


@dataclass
class Turn:
    index: int
    text: str
    intent: Optional[str]
    confidence: float
    ranking: Tuple[Tuple[str, float], ...]
    sentiment: Optional[float]
    in_form: bool
    covered: Optional[bool] = None  # the coverage scorer's verdict (None: no scorer in the pipeline)
    bot_texts: List[str] = field(default_factory=list)
    actions: List[str] = field(default_factory=list)
    requested_slots: List[Optional[str]] = field(default_factory=list)  # None: a form ended here


@dataclass
class ConversationView:
    turns: List[Turn]
    paused: bool
    declined: Dict[str, float]  # reason key -> value when an offer was let go or a transfer ended
    accepted: List[Dict[str, Any]]  # the offer the latest customer turn said yes to

    @property
    def latest(self) -> Optional[Turn]:
        return self.turns[-1] if self.turns else None


def full_intent(parse_data: Dict[str, Any]) -> Optional[str]:
    """The intent with its retrieval key (faq/shipping_time) when there is one."""
    intent = (parse_data.get("intent") or {}).get("name")
    selector = (parse_data.get("response_selector") or {}).get(intent or "", {})
    key = ((selector.get("response") or {}).get("intent_response_key"))
    return key or intent


def build_view(events: Iterable[Dict[str, Any]]) -> ConversationView:
    turns: List[Turn] = []
    paused, active_loop = False, None
    declined: Dict[str, float] = {}
    accepted: List[Dict[str, Any]] = []
    pending_offer: List[Dict[str, Any]] = []
    transferred: List[Dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = full_intent(parse)
            accepted = []
            if pending_offer and (parse.get("intent") or {}).get("name") in ACCEPT_INTENTS:
                accepted = pending_offer
            else:  # an offer the customer answered with anything but yes is declined
                _remember(declined, pending_offer)
            pending_offer = []
            if transferred and not paused:  # the transfer did not happen (no one could take it)
                _remember(declined, transferred)
                transferred = []
            turns.append(Turn(
                index=len(turns) + 1, text=event.get("text") or "", intent=intent,
                confidence=float((parse.get("intent") or {}).get("confidence") or 0.0),
                ranking=tuple((r.get("name"), float(r.get("confidence") or 0.0))
                              for r in (parse.get("intent_ranking") or [])[:3]),
                sentiment=(parse.get("sentiment") or {}).get("score"), in_form=active_loop is not None,
                covered=_covered(parse),
            ))
        elif kind == "bot" and turns:
            turns[-1].bot_texts.append(event.get("text") or "")
        elif kind == "action" and turns and event.get("name") not in (None, "action_listen"):
            turns[-1].actions.append(event["name"])
        elif kind == "slot":
            if event.get("name") == "requested_slot" and event.get("value") and turns:
                turns[-1].requested_slots.append(event["value"])
            elif event.get("name") == HANDOFF_SLOT and event.get("value"):
                reasons = [r for r in event["value"] if isinstance(r, dict) and "trigger" in r]
                pending_offer = [r for r in reasons if r.get("mode") == "offer"]
                transferred = [r for r in reasons if r.get("mode") != "offer"]
        elif kind == "active_loop":
            active_loop = event.get("name")
            if active_loop is None and turns:
                turns[-1].requested_slots.append(None)
        elif kind == "pause":
            paused = True
        elif kind == "resume":
            paused = False  # back from a person: what led there is not a reason to go again
            _remember(declined, transferred)
            transferred = []
        elif kind == "restart":
            turns, declined, accepted, paused, active_loop = [], {}, [], False, None
    return ConversationView(turns, paused, declined, accepted)


def _covered(parse: Dict[str, Any]) -> Optional[bool]:
    coverage = parse.get("coverage")
    if not isinstance(coverage, dict) or not isinstance(coverage.get("in_scope"), bool):
        return None
    return coverage["in_scope"]


def _remember(declined: Dict[str, float], reasons: List[Dict[str, Any]]) -> None:
    for reason in reasons:
        declined[reason.get("reason") or reason["trigger"]] = float(reason.get("value", 0.0))
