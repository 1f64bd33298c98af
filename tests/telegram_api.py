"""A local Telegram Bot API server for tests: the part of https://core.telegram.org/bots/api
the assistant uses, with Telegram's own checks, recording every call it receives.

Methods answer at ``/bot<token>/<method>`` with Telegram's envelope (``{"ok": true,
"result": ...}`` or ``{"ok": false, "error_code": ..., "description": ...}``), whether
the parameters come as a form (aiogram) or as JSON: getMe, setWebhook,
getWebhookInfo, deleteWebhook, sendMessage (text of 1-4096 characters; reply_markup
with inline keyboards whose callback_data is 1-64 bytes, or reply keyboards),
answerCallbackQuery, sendPhoto, sendChatAction, editMessageReplyMarkup. A wrong token
is a 401, an unknown method a 404, as on Telegram. It runs an aiohttp app in a thread
of the test, on a free port of 127.0.0.1.

``Customer`` writes the updates Telegram would POST to the bot's webhook.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional

from aiohttp import web

BOT_ID = 7000001
TOKEN = f"{BOT_ID}:AAE-local-test-token-for-the-shop-bot"
BOT_NAME = "ShopTestBot"


@dataclass
class Call:
    method: str
    params: Dict[str, Any]


class BadRequest(Exception):
    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass
class TelegramAPI:
    token: str = TOKEN
    bot_name: str = BOT_NAME
    calls: List[Call] = field(default_factory=list)
    webhook: Dict[str, Any] = field(default_factory=dict)
    url: str = ""
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))
    _loop: Optional[asyncio.AbstractEventLoop] = None
    _runner: Optional[web.AppRunner] = None

    # -- what the tests read --------------------------------------------------------
    def called(self, method: str) -> List[Dict[str, Any]]:
        return [c.params for c in list(self.calls) if c.method == method]

    def sent_to(self, chat_id: int) -> List[Dict[str, Any]]:
        """Every sendMessage to the chat, in order."""
        return [p for p in self.called("sendMessage") if str(p.get("chat_id")) == str(chat_id)]

    def wait_for(self, chat_id: int, text: str, within: float = 30.0, after: int = 0) -> Dict[str, Any]:
        """The first message to the chat (from index ``after``) containing ``text``."""
        deadline = time.monotonic() + within
        while True:
            found = [m for m in self.sent_to(chat_id)[after:] if text in m.get("text", "")]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                said = [m.get("text") for m in self.sent_to(chat_id)[-6:]]
                raise AssertionError(f"'{text}' never reached chat {chat_id}; last messages: {said}")
            time.sleep(0.05)

    # -- the API ------------------------------------------------------------------
    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        answer = self.methods().get(method.lower())
        if answer is None:
            return _error(404, "Not Found")
        params = await _params(request)
        self.calls.append(Call(method, params))
        try:
            return web.json_response({"ok": True, "result": answer(params)})
        except BadRequest as exc:
            return _error(400, f"Bad Request: {exc.description}")

    def methods(self) -> Dict[str, Callable[[Dict[str, Any]], Any]]:
        return {
            "getme": lambda p: {"id": BOT_ID, "is_bot": True, "first_name": "Shop", "username": self.bot_name,
                                "can_join_groups": True, "can_read_all_group_messages": False,
                                "supports_inline_queries": False},
            "setwebhook": self.set_webhook,
            "getwebhookinfo": lambda p: {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                                         "pending_update_count": 0},
            "deletewebhook": lambda p: self.webhook.clear() or True,
            "sendmessage": self.send_message,
            "answercallbackquery": lambda p: bool(_required(p, "callback_query_id")),
            "sendphoto": lambda p: self.message(p, photo=[{"file_id": str(_required(p, "photo")), "width": 1,
                                                          "height": 1, "file_unique_id": "p"}]),
            "sendchataction": lambda p: bool(_required(p, "action")),
            "editmessagereplymarkup": lambda p: True,
        }

    def set_webhook(self, params: Dict[str, Any]) -> bool:
        url = str(_required(params, "url"))
        if not url.startswith(("https://", "http://")):
            raise BadRequest("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = dict(params)
        return True

    def send_message(self, params: Dict[str, Any]) -> Dict[str, Any]:
        text = str(_required(params, "text"))
        if not 1 <= len(text) <= 4096:
            raise BadRequest("message is too long" if text else "message text is empty")
        markup = params.get("reply_markup")
        if markup is not None:
            params["reply_markup"] = markup = markup if isinstance(markup, dict) else json.loads(markup)
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if not 1 <= len(str(button.get("callback_data", "")).encode()) <= 64:
                        raise BadRequest("BUTTON_DATA_INVALID")
        return self.message(params, text=text)

    def message(self, params: Dict[str, Any], **content: Any) -> Dict[str, Any]:
        chat = _required(params, "chat_id")
        return {"message_id": next(self._ids), "date": int(time.time()),
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Shop", "username": self.bot_name},
                "chat": {"id": int(chat), "type": "private"}, **content}

    # -- running ------------------------------------------------------------------
    def start(self, port: int) -> TelegramAPI:
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(port, ready), daemon=True).start()
        if not ready.wait(10):
            raise RuntimeError("the local Telegram API did not start")
        self.url = f"http://127.0.0.1:{port}"
        return self

    def _serve(self, port: int, ready: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self.handle)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", port).start())
        ready.set()
        self._loop.run_forever()

    def stop(self) -> None:
        if self._loop is None or self._runner is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)


async def _params(request: web.Request) -> Dict[str, Any]:
    params: Dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif request.can_read_body:
        params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return params


def _required(params: Dict[str, Any], name: str) -> Any:
    if params.get(name) in (None, ""):
        raise BadRequest(f"{name} is empty")
    return params[name]


def _error(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "error_code": status, "description": description}, status=status)


class Customer:
    """A person chatting with the bot: the updates Telegram POSTs to the bot's webhook."""

    _update_ids = itertools.count(50_000)

    def __init__(self, chat_id: int, first_name: str = "Alice") -> None:
        self.chat_id = chat_id
        self.user = {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "en"}
        self._message_ids = itertools.count(1)

    def _message(self, **content: Any) -> Dict[str, Any]:
        return {"message_id": next(self._message_ids), "from": self.user, "date": int(time.time()),
                "chat": {"id": self.chat_id, "type": "private", "first_name": self.user["first_name"]}, **content}

    def _update(self, **body: Any) -> Dict[str, Any]:
        return {"update_id": next(self._update_ids), **body}

    def text(self, text: str) -> Dict[str, Any]:
        return self._update(message=self._message(text=text))

    def press(self, data: str, on_message: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """A press on an inline keyboard button of the bot's message ``on_message``."""
        message = on_message or {"message_id": 1, "date": int(time.time()), "chat": {"id": self.chat_id, "type": "private"}}
        return self._update(callback_query={"id": f"cq-{next(self._update_ids)}", "from": self.user,
                                            "message": message, "chat_instance": "42", "data": data})

    def photo(self, caption: Optional[str] = None) -> Dict[str, Any]:
        sizes = [{"file_id": "AgAD-photo", "file_unique_id": "ph1", "width": 90, "height": 90, "file_size": 1200}]
        return self._update(message=self._message(photo=sizes, **({"caption": caption} if caption else {})))

    def voice(self) -> Dict[str, Any]:
        return self._update(message=self._message(voice={"file_id": "AwAD-voice", "file_unique_id": "v1",
                                                         "duration": 3, "mime_type": "audio/ogg"}))

    def sticker(self) -> Dict[str, Any]:
        return self._update(message=self._message(sticker={
            "file_id": "CAAD-sticker", "file_unique_id": "s1", "width": 512, "height": 512, "is_animated": False,
            "is_video": False, "type": "regular", "emoji": "👍"}))

    def edit(self, message_id: int, text: str) -> Dict[str, Any]:
        edited = {**self._message(text=text), "message_id": message_id, "edit_date": int(time.time())}
        return self._update(edited_message=edited)
