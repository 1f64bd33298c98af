"""A conversation as the quality review sees it: both sides line by line, each line
with the customer turn it belongs to (a customer's message is its turn; a bot's or an
agent's answer belongs to the turn it answers, 0 before the customer wrote), what the
NLU made of the customer's messages, the actions and slots, when a person took over,
and the desk's side from the handoff session. Built from Rasa tracker events (as dicts)
since the last restart. Pure: no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Tuple

from handoff.conversation import full_intent

CUSTOMER, BOT, AGENT = "customer", "bot", "agent"


@dataclass(frozen=True)
class Line:
    turn: int
    speaker: str                      # customer | bot | agent
    text: str
    at: Optional[float] = None        # the event's timestamp (seconds since the epoch)
    intent: Optional[str] = None      # customers: the intent, with its FAQ key (faq/shipping_time)
    confidence: Optional[float] = None
    in_scope: Optional[bool] = None   # customers: the coverage scorer's verdict
    sentiment: Optional[float] = None
    action: Optional[str] = None      # bots: the action that said it
    author: Optional[str] = None      # agents: who
    paused: bool = False              # customers: written while a person had the conversation

    def as_dict(self) -> Dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Desk:
    """The handoff session's side of the conversation (the latest session)."""
    session_id: str
    status: str
    skill: str
    agent: Optional[str]
    created_at: datetime
    assigned_at: Optional[datetime] = None
    closed_at: Optional[datetime] = None
    rating: Optional[int] = None

    @classmethod
    def from_session(cls, session: Any) -> Desk:
        return cls(session.id, session.status, session.skill, session.agent, session.created_at,
                   session.assigned_at, session.closed_at, session.rating)


@dataclass
class QAView:
    conversation_id: str
    lines: List[Line] = field(default_factory=list)
    actions: List[Tuple[int, str]] = field(default_factory=list)          # (turn, action name)
    slots: List[Tuple[int, str, Any]] = field(default_factory=list)       # (turn, slot, value)
    paused_at: Optional[int] = None   # the customer turn after which a person took over (the first time)
    desk: Optional[Desk] = None

    @property
    def customer(self) -> List[Line]:
        return [line for line in self.lines if line.speaker == CUSTOMER]

    @property
    def turns(self) -> int:
        return len(self.customer)

    def answers(self, turn: int) -> List[Line]:
        """The bot's and agents' lines after customer turn `turn`."""
        return [line for line in self.lines if line.turn == turn and line.speaker != CUSTOMER]

    def actions_at(self, turn: int) -> List[str]:
        return [name for at, name in self.actions if at == turn]


def build(conversation_id: str, events: Iterable[Dict[str, Any]], desk: Optional[Desk] = None) -> QAView:
    view = QAView(conversation_id, desk=desk)
    turn, last_action, paused = 0, None, False
    for event in events:
        kind = event.get("event")
        if kind == "restart":
            view, turn, last_action, paused = QAView(conversation_id, desk=desk), 0, None, False
        elif kind == "user":
            turn += 1
            view.lines.append(_customer(turn, event, paused))
        elif kind == "bot" and (event.get("text") or "").strip():
            metadata = event.get("metadata") or {}
            if metadata.get("handoff"):  # the desk's own notices (joined, back with the bot)
                continue
            agent = metadata.get("agent")
            view.lines.append(Line(turn, AGENT if agent else BOT, event["text"], event.get("timestamp"),
                                   action=None if agent else last_action, author=agent))
        elif kind == "action" and event.get("name") not in (None, "action_listen"):
            last_action = event["name"]
            view.actions.append((turn, event["name"]))
        elif kind == "slot":
            view.slots.append((turn, event.get("name"), event.get("value")))
        elif kind == "pause":
            paused = True
            view.paused_at = turn if view.paused_at is None else view.paused_at
        elif kind == "resume":
            paused = False
    return view


def _customer(turn: int, event: Dict[str, Any], paused: bool) -> Line:
    parse = event.get("parse_data") or {}
    coverage = parse.get("coverage") if isinstance(parse.get("coverage"), dict) else {}
    in_scope = coverage.get("in_scope") if isinstance(coverage.get("in_scope"), bool) else None
    return Line(turn, CUSTOMER, event.get("text") or "", event.get("timestamp"), intent=full_intent(parse),
                confidence=(parse.get("intent") or {}).get("confidence"), in_scope=in_scope,
                sentiment=(parse.get("sentiment") or {}).get("score"), paused=paused)
