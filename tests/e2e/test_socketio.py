"""The socket.io channel over the websocket transport, on this Python (see bot/compat.py)."""
from __future__ import annotations

import asyncio
import uuid
from typing import List

import pytest
import socketio

from tests.servers import Servers

pytestmark = pytest.mark.e2e


async def test_socketio_websocket_session_gets_replies(servers: Servers) -> None:
    client = socketio.AsyncClient(reconnection=False)
    replies: asyncio.Queue = asyncio.Queue()
    session_id = uuid.uuid4().hex

    @client.on("bot_uttered")
    async def on_bot(data: dict) -> None:
        await replies.put(data)

    await client.connect(servers.rasa_url, socketio_path="/socket.io", transports=["websocket"])
    try:
        assert client.transport() == "websocket"
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.sleep(0.3)
        await client.emit("user_uttered", {"message": "how long does shipping take?", "session_id": session_id})
        first = await asyncio.wait_for(replies.get(), timeout=30)
        assert "3-5 working days" in first["text"]
        await client.emit("user_uttered", {"message": "where is order 10002? alice@example.com", "session_id": session_id})
        second = await asyncio.wait_for(replies.get(), timeout=30)
        assert "was delivered on" in second["text"]
    finally:
        await client.disconnect()
    # With session persistence the widget's session id is the conversation id.
    events: List[dict] = servers.tracker(session_id)["events"]
    assert [e["text"] for e in events if e["event"] == "user"][:2] == [
        "how long does shipping take?", "where is order 10002? alice@example.com"]
