"""The agents' API: the queue, one session with its messages, accept, write, notes,
transfer, close (the desk's figures are in handoff.service.routes.metrics)."""
from __future__ import annotations


from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from handoff.errors import BadRequest, Forbidden, NotFound
from handoff.relay.agent_messages import client_id
from handoff.service import auth, guard, inputs, scope
from handoff.service.desk import accept as accept_session, agent_says, end
from handoff.service.store import CLOSED, DELIVERED, OPEN, SessionStore


def blueprint() -> Blueprint:
    bp = Blueprint("sessions")

    @bp.get("/api/me")
    async def me(request: Request) -> HTTPResponse:
        agent = auth.agent(request)
        return response.json({"name": agent.name, "skills": list(agent.skills), "capacity": agent.capacity,
                              "supervisor": agent.supervisor, "role": agent.role})

    @bp.get("/api/sessions")
    async def list_sessions(request: Request) -> HTTPResponse:
        agent = auth.agent(request)
        given = inputs.query(request, "status")
        wanted = tuple(given.split(",")) if given is not None else OPEN
        unknown = set(wanted) - set(OPEN + CLOSED)
        if unknown:
            raise BadRequest(f"unknown status '{sorted(unknown)[0]}'; use {', '.join(OPEN + CLOSED)}")
        sessions = await request.app.ctx.store.list(wanted, request.args.get("skill"))
        return response.json({"sessions": [scope.view(agent, s) for s in scope.visible(agent, sessions)]})

    @bp.get("/api/sessions/<session_id>")
    async def get_session(request: Request, session_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        store: SessionStore = request.app.ctx.store
        session = await store.get(session_id)
        scope.require(agent, session)
        messages = await store.messages(session_id, inputs.whole(inputs.query(request, "after"), "after"))
        return response.json({"session": scope.view(agent, session), "messages": [m.as_dict() for m in messages],
                              "relay": {"pending": request.app.ctx.backlog.pending(session_id)}})

    @bp.post("/api/sessions/<session_id>/accept")
    async def accept(request: Request, session_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        store: SessionStore = request.app.ctx.store
        session = await store.get(session_id)
        if not agent.serves(session.skill) and not agent.supervisor:
            raise Forbidden(f"session '{session_id}' needs the skill '{session.skill}', which {agent.name} lacks")
        # Who wins, and the agent's capacity, are decided in the database in one statement (409 otherwise).
        accepted = await accept_session(request.app, session, agent.name, agent.capacity, guard.address(request))
        return response.json({"session": scope.view(agent, accepted)})

    @bp.post("/api/sessions/<session_id>/messages")
    async def send(request: Request, session_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        body = inputs.valid(request, "message")
        text, key = inputs.text(body), client_id(body.get("id", body.get("client_id")))
        store: SessionStore = request.app.ctx.store
        session = await store.get(session_id)
        # a supervisor may step into an agent's chat, but a queued one is accepted first
        auth.owned(session, agent, supervisors=session.agent is not None)
        message = await agent_says(request.app, session, text, agent.name, key, guard.address(request))
        # 201 delivered; 202 stored, delivery not known yet (the message's status will say)
        return response.json({"message": message.as_dict()}, status=201 if message.status == DELIVERED else 202)

    @bp.post("/api/sessions/<session_id>/notes")
    async def note(request: Request, session_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        scope.require(agent, await request.app.ctx.store.get(session_id))
        text = request.app.ctx.privacy.audience("console").redact(inputs.text(inputs.valid(request, "text")))
        message = await request.app.ctx.store.add_message(session_id, "note", text, agent.name)
        await request.app.ctx.audit.record(agent.name, "note", session_id, {"message": message.seq},
                                           guard.address(request))
        return response.json({"message": message.as_dict()}, status=201)

    @bp.post("/api/sessions/<session_id>/transfer")
    async def transfer(request: Request, session_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        body = inputs.valid(request, "transfer")
        store: SessionStore = request.app.ctx.store
        auth.owned(await store.get(session_id), agent)
        skill, target = body.get("skill"), body.get("agent")
        if skill is not None and not isinstance(skill, str) or target is not None and not isinstance(target, str):
            raise BadRequest("'skill' and 'agent' must be names (strings)")
        if not skill and not target:
            raise BadRequest("give a 'skill' or an 'agent' to transfer to")
        if target and target not in {a.name for a in request.app.ctx.settings.agents}:
            raise NotFound(f"no agent named '{target}': see the agents in the service's HANDOFF_AGENTS file")
        session = await store.transfer(session_id, skill, target)
        await store.add_message(session_id, "system", f"transferred by {agent.name} to {target or skill}", agent.name)
        await request.app.ctx.audit.record(agent.name, "transfer_agent", session_id, {"skill": skill, "agent": target},
                                           guard.address(request))
        return response.json({"session": scope.view(agent, session)})

    @bp.post("/api/sessions/<session_id>/close")
    async def close(request: Request, session_id: str) -> HTTPResponse:
        agent = auth.agent(request)
        body = inputs.valid(request, "close")
        back = body.get("return_to_bot")
        if not isinstance(back, bool):
            raise BadRequest("'return_to_bot' must be true (the bot takes over) or false (the chat ends)")
        session = await request.app.ctx.store.get(session_id)
        auth.owned(session, agent)
        closed = await end(request.app, session, back, agent.name, guard.address(request))
        return response.json({"session": scope.view(agent, closed)})

    return bp
