"""Offline fakes for the Telegram channel: a recording Bot API (a BaseRequest), update factories, a fake Rasa
REST server over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from telegram.request import BaseRequest, RequestData

TOKEN = "123456789:AAHfakeTokenForOfflineTests_0123456789"
SECRET = "webhook-secret_0123456789"
API_BASE = "https://bot-api.test.invalid/bot"
BOT_ID = 123456789
CHAT_ID = 987654321
DATE = 1_733_000_000

BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Trợ lý Một cửa",
    "username": "motcua_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    endpoint: str
    params: dict[str, Any]
    url: str


@dataclass(eq=False)
class RecordingRequest(BaseRequest):
    """Records every Bot API call and answers the few endpoints the channel may use with canned JSON.

    Any other endpoint is recorded in ``unexpected`` and raises; python-telegram-bot wraps that into a
    NetworkError that the application may swallow, so the tests' fixture fails the test on ``unexpected``.
    ``updates`` enables getUpdates (polling tests): the first call returns them, later calls run ``on_idle``.
    """

    timeline: list[str] = field(default_factory=list)
    updates: list[dict[str, Any]] | None = None
    on_idle: Callable[[], None] | None = None
    calls: list[Call] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    failures: dict[str, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1000))

    CANNED = ("getMe", "sendMessage", "answerCallbackQuery", "setWebhook", "deleteWebhook")

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    def fail_next(self, endpoint: str, status: int = 400, description: str = "Bad Request: chat not found") -> None:
        body = {"ok": False, "error_code": status, "description": description}
        self.failures.setdefault(endpoint, []).append((status, body))

    def of(self, endpoint: str) -> list[Call]:
        return [c for c in self.calls if c.endpoint == endpoint]

    @property
    def endpoints(self) -> list[str]:
        return [c.endpoint for c in self.calls]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append(Call(endpoint, params, url))
        self.timeline.append(endpoint)
        if self.failures.get(endpoint):
            status, body = self.failures[endpoint].pop(0)
            return status, json.dumps(body).encode()
        if endpoint == "getMe":
            result: Any = BOT_USER
        elif endpoint == "sendMessage":
            result = {
                "message_id": next(self._ids),
                "date": DATE,
                "chat": {"id": params["chat_id"], "type": "private"},
                "from": BOT_USER,
                "text": params["text"],
            }
            if "reply_markup" in params:
                result["reply_markup"] = params["reply_markup"]
        elif endpoint in ("answerCallbackQuery", "setWebhook", "deleteWebhook"):
            result = True
        elif endpoint == "getUpdates" and self.updates is not None:
            result, self.updates = self.updates, []
            if not result:
                if self.on_idle is not None:
                    self.on_idle()
                await asyncio.sleep(0.02)
        else:
            self.unexpected.append(endpoint)
            raise AssertionError(f"unexpected Bot API call: {endpoint}")
        return 200, json.dumps({"ok": True, "result": result}).encode()


# --- update factories (dicts in the Bot API's shape, read with Update.de_json) -------------------------------------

_update_ids = itertools.count(500_000)


def user(lang: str | None = "vi", user_id: int = CHAT_ID) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Lan"}
    if lang is not None:
        data["language_code"] = lang
    return data


def message_update(
    text: str | None = None, *, chat_id: int = CHAT_ID, lang: str | None = "vi", chat_type: str = "private", **extra
) -> dict[str, Any]:
    update_id = next(_update_ids)
    chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
    if chat_type == "private":
        chat["first_name"] = "Lan"
    else:
        chat["title"] = "Tổ dân phố 3"
    message: dict[str, Any] = {
        "message_id": update_id % 100_000,
        "date": DATE,
        "chat": chat,
        "from": user(lang, CHAT_ID if chat_type != "private" else chat_id),
        **extra,
    }
    if text is not None:
        message["text"] = text
        if text.startswith("/") and " " not in text and "{" not in text:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


def callback_update(data: str, *, chat_id: int = CHAT_ID, lang: str | None = "vi") -> dict[str, Any]:
    update_id = next(_update_ids)
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cbq-{update_id}",
            "from": user(lang, chat_id),
            "chat_instance": "-5000",
            "data": data,
            "message": {
                "message_id": 77,
                "date": DATE,
                "chat": {"id": chat_id, "type": "private", "first_name": "Lan"},
                "from": BOT_USER,
                "text": "Bạn muốn hỏi thủ tục nào?",
            },
        },
    }


def sticker_update(**kw: Any) -> dict[str, Any]:
    sticker = {"file_id": "CAAD-sticker", "file_unique_id": "AgAD-s", "width": 512, "height": 512,
               "is_animated": False, "is_video": False, "type": "regular"}  # fmt: skip
    return message_update(sticker=sticker, **kw)


def photo_update(**kw: Any) -> dict[str, Any]:
    photo = [{"file_id": "AgAC-photo", "file_unique_id": "AQAD-p", "width": 90, "height": 120}]
    return message_update(photo=photo, caption="giấy này là giấy gì vậy", **kw)


def document_update(**kw: Any) -> dict[str, Any]:
    document = {"file_id": "BQAC-doc", "file_unique_id": "AgAD-d", "file_name": "to_khai.pdf"}
    return message_update(document=document, **kw)


def voice_update(**kw: Any) -> dict[str, Any]:
    return message_update(voice={"file_id": "AwAC-voice", "file_unique_id": "AgAD-v", "duration": 4}, **kw)


def location_update(**kw: Any) -> dict[str, Any]:
    return message_update(location={"latitude": 20.9517, "longitude": 107.0806}, **kw)


# --- fake Rasa REST channel ----------------------------------------------------------------------------------------

Responder = Callable[[dict[str, Any]], tuple[int, Any]]


class FakeRasa:
    """``POST /webhooks/rest/webhook``: records each body and answers from ``replies`` (message → Rasa output)."""

    def __init__(self, timeline: list[str]) -> None:
        self.timeline = timeline
        self.received: list[dict[str, Any]] = []
        self.replies: dict[str, list[dict[str, Any]]] = {}
        self.status = 200
        self.url = ""

    def answer(self, body: dict[str, Any]) -> tuple[int, Any]:
        if self.status != 200:
            return self.status, {"error": "internal"}
        message = body.get("message", "")
        default = [{"recipient_id": body.get("sender"), "text": f"Đã nhận: {message}"}]
        return 200, self.replies.get(message, default)

    @property
    def messages(self) -> list[str]:
        return [b.get("message", "") for b in self.received]


@contextmanager
def serve_rasa(fake: FakeRasa) -> Iterator[FakeRasa]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path == "/webhooks/rest/webhook":
                fake.received.append(body)
                fake.timeline.append("rasa")
                status, payload = fake.answer(body)
            else:
                status, payload = 404, {"error": "not found"}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            data = b'{"version": "fake"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
