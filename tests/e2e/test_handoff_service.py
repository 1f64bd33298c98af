"""A transfer through the real handoff service: the action server posts the context,
an agent finds the session in the queue, accepts it, writes to the customer through
Rasa's HTTP API and hands back to the bot."""
from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any, Dict, Optional

import pytest
import requests

from tests.servers import AGENT_TOKEN, Servers, base_env, free_port


def api(servers: Servers, method: str, path: str, body: Optional[Dict[str, Any]] = None,
        token: Optional[str] = AGENT_TOKEN) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.request(method, f"{servers.handoff_url}{path}", json=body, headers=headers, timeout=30)


def transferred(servers: Servers) -> tuple:
    sender = f"agent-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "where is my order 10001")
    servers.say(sender, "alice@example.com")
    reply = " ".join(m.get("text", "") for m in servers.say(sender, "I want to speak to a real person"))
    assert "queue" in reply, reply
    queued = api(servers, "GET", "/api/sessions?status=queued").json()["sessions"]
    session = next(s for s in queued if s["conversation_id"] == sender)
    return sender, session


def customer_lines(servers: Servers, session_id: str, wanted: int = 2, within: float = 10.0) -> list:
    """What the agent has received from the customer (Rasa's event broker relays it)."""
    deadline = time.monotonic() + within
    while True:
        messages = api(servers, "GET", f"/api/sessions/{session_id}").json()["messages"]
        lines = [m["text"] for m in messages if m["sender"] == "customer"]
        if len(lines) >= wanted or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


def test_the_agent_sees_the_whole_context(servers: Servers) -> None:
    sender, session = transferred(servers)
    assert (session["status"], session["skill"]) == ("queued", "orders")  # skills_by_intent in handoff.yml
    context = api(servers, "GET", f"/api/sessions/{session['id']}").json()["session"]["context"]
    assert context["reasons"][0]["trigger"] == "explicit"
    assert context["customer"] == {"email": "alice@example.com", "verified": True}
    assert "order 10001" in context["summary"] and "check order" in context["summary"]
    assert [line["speaker"] for line in context["transcript"]][:2] == ["customer", "bot"]
    assert context["intents"][0]["intent"] == "track_order" and len(context["sentiment"]) == 3


def test_agent_accepts_chats_and_hands_back_to_the_bot(servers: Servers) -> None:
    sender, session = transferred(servers)
    path = f"/api/sessions/{session['id']}"
    assert api(servers, "POST", f"{path}/accept").status_code == 200
    assert api(servers, "POST", f"{path}/accept").status_code == 409
    sent = api(servers, "POST", f"{path}/messages", {"text": "Hi Alice, I'm looking at order 10001 now."})
    assert sent.status_code == 201, sent.text
    events = servers.tracker(sender)["events"]
    agent_line = [e for e in events if e["event"] == "bot" and (e.get("metadata") or {}).get("agent")]
    assert agent_line[-1]["text"] == "Hi Alice, I'm looking at order 10001 now."
    assert servers.say(sender, "great, thanks") == []  # paused: the person answers, not the bot
    assert servers.say(sender, "it's the blue pair") == []
    assert customer_lines(servers, session["id"]) == ["great, thanks", "it's the blue pair"]
    closed = api(servers, "POST", f"{path}/close", {"return_to_bot": True})
    assert closed.status_code == 200 and closed.json()["session"]["status"] == "returned"
    tracker = servers.tracker(sender)
    assert any(e["event"] == "resume" for e in tracker["events"])
    said = [e["text"] for e in tracker["events"] if e["event"] == "bot"][-2:]
    assert "anything else" in said[0] and "from 1 (poor) to 5 (great)" in said[1]
    reply = " ".join(m.get("text", "") for m in servers.say(sender, '/rate_agent{"rating": "5"}'))
    assert "helps us a lot" in reply
    assert api(servers, "GET", path).json()["session"]["rating"] == 5
    reply = " ".join(m.get("text", "") for m in servers.say(sender, "how long does shipping take?"))
    assert "working days" in reply  # the bot answers again
    reply = " ".join(m.get("text", "") for m in servers.say(sender, '/rate_agent{"rating": "1"}'))
    assert "Thank you" not in reply and "didn't understand" in reply  # rated already: not asked any more
    assert api(servers, "GET", path).json()["session"]["rating"] == 5


def test_what_looks_like_a_rating_is_not_one_when_nobody_asked(servers: Servers) -> None:
    sender = f"norating-{uuid.uuid4().hex[:8]}"
    servers.say(sender, "hello")
    for text in ("1 December 2026 at 10:30", '/rate_agent{"rating": "4"}'):
        reply = " ".join(m.get("text", "") for m in servers.say(sender, text))
        assert "rate our team" not in reply and "Thank you" not in reply, (text, reply)
    events = servers.tracker(sender)["events"]
    assert not [e for e in events if e["event"] == "action" and e["name"] == "action_record_rating"]
    assert not [e for e in events if e["event"] == "slot" and e["name"] == "rating_requested" and e["value"]]


def test_errors_are_json_with_the_right_status(servers: Servers) -> None:
    assert api(servers, "GET", "/api/sessions", token=None).status_code == 401
    assert api(servers, "GET", "/api/sessions", token="wrong").status_code == 401
    missing = api(servers, "GET", "/api/sessions/nope")
    assert missing.status_code == 404 and "GET /api/sessions" in missing.json()["error"]
    assert api(servers, "GET", "/api/sessions?status=sleeping").status_code == 400
    _, session = transferred(servers)
    path = f"/api/sessions/{session['id']}"
    # not accepted yet: nobody writes in a session before someone accepted it, supervisors included
    assert api(servers, "POST", f"{path}/messages", {"text": "hello"}).status_code == 403
    api(servers, "POST", f"{path}/accept")
    assert api(servers, "POST", f"{path}/messages", {"text": ""}).status_code == 400
    assert api(servers, "POST", f"{path}/close", {"return_to_bot": "yes"}).status_code == 400
    assert api(servers, "POST", "/api/handoffs", {"context": {}}, token=AGENT_TOKEN).status_code == 401
    assert "/api/sessions/{session_id}/accept" in api(servers, "GET", "/openapi.json").json()["paths"]


def test_with_the_service_down_the_customer_is_told_and_not_left_paused(
        test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    down = Servers(tmp_path_factory.mktemp("service-down"), test_model, with_handoff=False,
                   env={"HANDOFF_URL": dead})
    try:
        down.start()
        sender = f"down-{uuid.uuid4().hex[:8]}"
        reply = " ".join(m.get("text", "") for m in down.say(sender, "I want to speak to a real person"))
        assert "can't reach our team" in reply and "callback" in reply
        assert not down.tracker(sender)["paused"]
        reply = " ".join(m.get("text", "") for m in down.say(sender, "book a phone callback"))
        assert "When would suit you" in reply
    finally:
        down.stop()


async def test_a_socketio_customer_hears_the_agent_live(servers: Servers) -> None:
    import asyncio

    import socketio

    client = socketio.AsyncClient(reconnection=False)
    heard: asyncio.Queue = asyncio.Queue()
    session_id = uuid.uuid4().hex
    client.on("bot_uttered", heard.put)
    await client.connect(servers.rasa_url, socketio_path="/socket.io", transports=["websocket"])

    async def next_text() -> str:
        return (await asyncio.wait_for(heard.get(), timeout=30))["text"]

    def call(method: str, path: str, body: Optional[Dict[str, Any]] = None) -> requests.Response:
        return api(servers, method, path, body)

    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.sleep(0.3)
        await client.emit("user_uttered", {"message": "can I talk to a human please", "session_id": session_id})
        assert "queue" in await next_text()
        queued = (await asyncio.to_thread(call, "GET", "/api/sessions?status=queued")).json()["sessions"]
        path = "/api/sessions/" + next(s["id"] for s in queued if s["conversation_id"] == session_id)
        await asyncio.to_thread(call, "POST", f"{path}/accept")
        assert await next_text() == "Sam from our team has joined the chat."
        sent = await asyncio.to_thread(call, "POST", f"{path}/messages", {"text": "Hello from a person"})
        assert sent.status_code == 201
        message = await asyncio.wait_for(heard.get(), timeout=30)
        assert message["text"] == "Hello from a person" and message["metadata"]["agent_name"] == "Sam"
        await asyncio.to_thread(call, "POST", f"{path}/close", {"return_to_bot": True})
        assert "back with the shop assistant" in await next_text()
        assert "anything else" in await next_text()
    finally:
        await client.disconnect()


def test_a_restarted_service_has_lost_nothing(servers: Servers) -> None:
    sender, session = transferred(servers)
    path = f"/api/sessions/{session['id']}"
    api(servers, "POST", f"{path}/accept")
    api(servers, "POST", f"{path}/notes", {"text": "customer is a regular"})
    service = next(p for p in servers.processes if p.name == "handoff")
    service.stop()
    servers.processes.remove(service)
    servers.start_handoff({**base_env(), "SHOP_DATA_DIR": str(servers.workdir / "data")}, port=servers.handoff_port)
    detail = api(servers, "GET", path).json()
    assert detail["session"]["status"] == "assigned" and detail["session"]["agent"] == "demo"
    assert [m["text"] for m in detail["messages"]] == ["customer is a regular"]
    assert servers.say(sender, "are you still there?") == []
    assert customer_lines(servers, session["id"], wanted=1) == ["are you still there?"]
    assert api(servers, "POST", f"{path}/close", {"return_to_bot": True}).status_code == 200  # frees the agent


def test_with_nobody_on_duty_the_conversation_is_left_as_a_message(
        test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    quiet = Servers(tmp_path_factory.mktemp("off-duty"), test_model, agent_on_duty=False)
    try:
        quiet.start()
        sender = f"off-{uuid.uuid4().hex[:8]}"
        reply = " ".join(m.get("text", "") for m in quiet.say(sender, "I want to speak to a real person"))
        assert "nobody from our team is available right now" in reply and "as a message" in reply
        assert not quiet.tracker(sender)["paused"]
        queued = api(quiet, "GET", "/api/sessions?status=queued").json()["sessions"]  # the agent is back
        session = next(s for s in queued if s["conversation_id"] == sender)
        notes = [m["text"] for m in api(quiet, "GET", f"/api/sessions/{session['id']}").json()["messages"]]
        assert notes == ["left as a message: nobody from our team is available right now"]
        api(quiet, "POST", f"/api/sessions/{session['id']}/accept")
        assert api(quiet, "POST", f"/api/sessions/{session['id']}/messages", {"text": "Back now, how can I help?"}
                   ).status_code == 201
        assert [e["text"] for e in quiet.tracker(sender)["events"] if e["event"] == "bot"][-1] == "Back now, how can I help?"
    finally:
        quiet.stop()


async def test_agents_get_new_sessions_and_messages_pushed(servers: Servers) -> None:
    import asyncio
    import json as jsonlib

    import websockets

    url = servers.handoff_url.replace("http://", "ws://") + "/api/ws"
    async with websockets.connect(url) as refused:  # the token is the first message, never in the URL
        await refused.send(jsonlib.dumps({"type": "auth", "token": "wrong"}))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(refused.recv(), 10)
        assert closed.value.code == 4401
    async with websockets.connect(url) as ws:
        await ws.send(jsonlib.dumps({"type": "auth", "token": AGENT_TOKEN}))
        assert jsonlib.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "hello", "agent": "demo"}
        sender = f"push-{uuid.uuid4().hex[:8]}"

        async def next_frame(kind: str) -> dict:
            while True:
                frame = jsonlib.loads(await asyncio.wait_for(ws.recv(), 30))
                if frame["type"] == kind:
                    return frame

        await asyncio.to_thread(servers.say, sender, "I want to speak to a real person")
        session = (await next_frame("session"))["session"]
        assert session["conversation_id"] == sender and session["status"] == "queued"
        await asyncio.to_thread(servers.say, sender, "hello? anyone?")
        message = (await next_frame("message"))["message"]
        assert (message["session_id"], message["sender"], message["text"]) == (session["id"], "customer", "hello? anyone?")


def bot_lines(servers: Servers, sender: str) -> list:
    return [e.get("text") for e in servers.tracker(sender)["events"] if e["event"] == "bot"]


def eventually(check: Any, within: float = 20.0) -> Any:
    deadline = time.monotonic() + within
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return result


def test_a_waiting_customer_who_says_never_mind_gets_the_bot_back(servers: Servers) -> None:
    sender, session = transferred(servers)
    assert servers.say(sender, "never mind") == []  # paused: the service decides
    assert eventually(lambda: not servers.tracker(sender)["paused"]), "the conversation stayed paused"
    assert "taken you out of the queue" in bot_lines(servers, sender)[-1]
    detail = api(servers, "GET", f"/api/sessions/{session['id']}").json()
    assert detail["session"]["status"] == "abandoned"
    assert [m["text"] for m in detail["messages"]] == ["never mind", "the customer left the queue"]
    assert "3-5 working days" in " ".join(m.get("text", "") for m in servers.say(sender, "how long does shipping take?"))


def test_when_the_last_agent_leaves_waiting_customers_are_told_and_get_the_bot_back(
        test_model: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    desk = Servers(tmp_path_factory.mktemp("desk-closes"), test_model,
                   env={"HANDOFF_AGENT_IDLE": "5", "HANDOFF_QUEUE_CHECK": "0.5"})
    try:
        desk.start()
        api(desk, "GET", "/api/me")  # the agent is there when the customer asks...
        sender, session = transferred(desk)
        assert desk.tracker(sender)["paused"]
        # ...then closes the console: within HANDOFF_AGENT_IDLE the desk is off duty.
        assert eventually(lambda: not desk.tracker(sender)["paused"]), "the customer was left waiting"
        assert "nobody from our team is available right now" in bot_lines(desk, sender)[-1]
        assert "book a phone callback" in bot_lines(desk, sender)[-1]
        queued = api(desk, "GET", "/api/sessions?status=queued").json()["sessions"]  # the agent is back
        left = next(s for s in queued if s["id"] == session["id"])
        assert left["left_message_at"] is not None
        assert api(desk, "POST", f"/api/sessions/{session['id']}/accept").status_code == 200
        assert desk.tracker(sender)["paused"]  # what the customer writes now goes to the person
        api(desk, "POST", f"/api/sessions/{session['id']}/messages", {"text": "Sorry for the wait, I'm here now."})
        assert desk.say(sender, "great, thanks") == []
        assert customer_lines(desk, session["id"], wanted=1) == ["great, thanks"]
    finally:
        desk.stop()


def test_the_desk_in_figures_over_the_api(servers: Servers) -> None:
    sender, session = transferred(servers)
    figures = api(servers, "GET", "/api/metrics?since=2000-01-01").json()
    as_the_console_asks = api(servers, "GET", "/api/metrics?since=2000-01-01T00:00:00.000Z")
    assert as_the_console_asks.status_code == 200 and as_the_console_asks.json()["sessions"] == figures["sessions"]
    assert figures["sessions"] >= 1 and figures["by_reason"].get("explicit", 0) >= 1
    assert figures["waiting_now"]["customers"] >= 1
    assert api(servers, "GET", "/api/metrics", token=None).status_code == 401
    wrong = api(servers, "GET", "/api/metrics?since=last-week")
    assert wrong.status_code == 400 and "ISO date" in wrong.json()["error"]


def test_an_agent_ends_the_chat_and_the_bot_answers_what_comes_next(servers: Servers) -> None:
    sender, session = transferred(servers)
    path = f"/api/sessions/{session['id']}"
    assert api(servers, "POST", f"{path}/accept").status_code == 200
    api(servers, "POST", f"{path}/messages", {"text": "Your parcel is on its way, sorry for the wait."})
    closed = api(servers, "POST", f"{path}/close", {"return_to_bot": False}).json()["session"]
    assert closed["status"] == "resolved"
    assert "conversation is now closed" in bot_lines(servers, sender)[-1]
    assert not servers.tracker(sender)["paused"]
    reply = " ".join(m.get("text", "") for m in servers.say(sender, "how long does shipping take?"))
    assert "3-5 working days" in reply and "passing you" not in reply
    assert not servers.tracker(sender)["paused"]
