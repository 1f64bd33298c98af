"""The calls to Rasa against a stand-in HTTP server: every call, the tracker read included,
carries the JWT (or the token); an agent's message names the agent and carries its id; a
desk notice with an id is not sent again once the tracker has it."""
from __future__ import annotations

from typing import Any, AsyncIterator, Dict, List, Tuple

import jwt
import pytest
from aiohttp import web

from handoff.service.rasa_client import RasaClient
from tests.servers import free_port

SECRET = "jwt-secret-for-tests"


@pytest.fixture
async def rasa() -> AsyncIterator[Tuple[str, List[Dict[str, Any]], List[Dict[str, Any]]]]:
    seen: List[Dict[str, Any]] = []
    events: List[Dict[str, Any]] = []

    async def tracker(request: web.Request) -> web.Response:
        seen.append({"method": "GET", "auth": request.headers.get("Authorization"), "query": dict(request.query)})
        return web.json_response({"events": events, "paused": True})

    async def add(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append({"method": "POST", "auth": request.headers.get("Authorization"), "query": dict(request.query)})
        events.extend(body if isinstance(body, list) else [body])
        return web.json_response({})

    app = web.Application()
    app.router.add_get("/conversations/{sender}/tracker", tracker)
    app.router.add_post("/conversations/{sender}/tracker/events", add)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}", seen, events
    await runner.cleanup()


async def test_with_a_jwt_secret_every_call_carries_a_jwt_and_no_token(rasa) -> None:
    url, seen, events = rasa
    client = RasaClient(url, "rasa-token", timeout=5, jwt_secret=SECRET)
    try:
        await client.send_agent_message("c1", "Hi", "sam", "m1", shown_as="Sam")
        assert await client.delivered("c1", "m1")
    finally:
        await client.close()
    assert [call["method"] for call in seen] == ["POST", "GET"]
    for call in seen:
        assert "token" not in call["query"]
        claims = jwt.decode(call["auth"].removeprefix("Bearer "), SECRET, algorithms=["HS256"])
        assert claims["user"]["role"] == "admin"
    assert events[0]["metadata"] == {"agent": "sam", "agent_name": "Sam", "message_id": "m1"}


async def test_a_notice_with_an_id_is_sent_once(rasa) -> None:
    url, seen, events = rasa
    client = RasaClient(url, "rasa-token", timeout=5)
    try:
        for _ in range(2):
            await client.send_update("c1", "You're back with the shop assistant now.", "returned",
                                     message_id="back-s1", agent="sam")
    finally:
        await client.close()
    assert len(events) == 1 and events[0]["metadata"] == {"handoff": "returned", "agent": "sam",
                                                          "message_id": "back-s1"}
    assert all(call["query"].get("token") == "rasa-token" and call["auth"] is None for call in seen)
