"""What an agent may see and touch: supervisors and admins every session; an agent only
the sessions of their skills or assigned (or transferred) to them, and the customer's
verified email only while the session is theirs. Used by the API routes and the
websocket hub alike, so both show the same."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from handoff.errors import Forbidden
from handoff.privacy.views import without_email
from handoff.service.settings import Agent
from handoff.service.store import Session


def may_see(agent: Agent, skill: str, owner: Optional[str]) -> bool:
    return agent.supervisor or owner == agent.name or agent.serves(skill)


def require(agent: Agent, session: Session) -> None:
    if not may_see(agent, session.skill, session.agent):
        raise Forbidden(f"session '{session.id}' is in the '{session.skill}' queue, which {agent.name} does not "
                        "serve: ask a supervisor to transfer it to you")


def visible(agent: Agent, sessions: Iterable[Session]) -> List[Session]:
    return [s for s in sessions if may_see(agent, s.skill, s.agent)]


def view(agent: Agent, session: Session) -> Dict[str, Any]:
    """The session as this agent may see it: the verified email only while it is theirs."""
    data = session.as_dict()
    if not (agent.supervisor or session.agent == agent.name):
        data["context"] = without_email(session.context)
    return data
