"""Real HTTP fakes on 127.0.0.1 (stdlib ThreadingHTTPServer, port 0) of the Zalo API and Rasa, and a live gateway.

Waiting helpers take a generous deadline only to stop a broken test from hanging; no test asserts on durations.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import uvicorn

DEADLINE_S = 20.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status, answer = self.server.fake.handle(self.path, dict(self.headers.items()), body)  # type: ignore[attr-defined]
        data = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a cancelled request): nothing to do

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeServer:
    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.fake = self  # type: ignore[attr-defined]
        self.cond = threading.Condition()
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def wait_for(self, predicate: Callable[[], bool], what: str = "condition") -> None:
        with self.cond:
            if not self.cond.wait_for(predicate, timeout=DEADLINE_S):
                raise AssertionError(f"gave up waiting for {what}")

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        raise NotImplementedError


class FakeZalo(FakeServer):
    """``/v3.0/oa/message/cs`` and ``/v4/oa/access_token`` with single-use, rotating refresh tokens."""

    def __init__(self, app_id: str, app_secret_key: str, first_refresh_token: str) -> None:
        super().__init__()
        self.app_id = app_id
        self.app_secret_key = app_secret_key
        self.refresh_tokens: dict[str, str] = {first_refresh_token: "valid"}
        self.access_tokens: set[str] = set()
        self.issued = 0
        self.expire_next = 0  # answer -216 to this many sends (and forget the token they used)
        self.error_code: int | None = None  # answer every send with this error
        self.reject_once_at: int | None = None  # refuse one send once this many messages were delivered
        self.calls: list[dict[str, Any]] = []  # every message call: headers and JSON body
        self.delivered: list[dict[str, Any]] = []  # the JSON bodies of the messages accepted
        self.token_calls: list[dict[str, str]] = []  # every token call's form

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        with self.cond:
            try:
                if path == "/v3.0/oa/message/cs":
                    return 200, self._message(headers, json.loads(body))
                if path == "/v4/oa/access_token":
                    return 200, self._token(headers, {k: v[0] for k, v in parse_qs(body.decode()).items()})
                return 404, {"error": 404}
            finally:
                self.cond.notify_all()

    def _message(self, headers: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
        headers = {k.lower(): v for k, v in headers.items()}
        self.calls.append({"headers": headers, "json": data})
        token = headers.get("access_token", "")
        if self.expire_next > 0:
            self.expire_next -= 1
            self.access_tokens.discard(token)
            return {"error": -216, "message": "Access token is invalid"}
        if token not in self.access_tokens:
            return {"error": -216, "message": "Access token is invalid"}
        if not (data.get("recipient") or {}).get("user_id") or not data.get("message"):
            return {"error": -201, "message": "Parameters are invalid"}
        if self.reject_once_at is not None and len(self.delivered) == self.reject_once_at:
            self.reject_once_at = None
            return {"error": -32, "message": "Rate limit exceeded"}
        if self.error_code is not None:
            return {"error": self.error_code, "message": f"refused for user {data['recipient']['user_id']}"}
        self.delivered.append(data)
        return {"error": 0, "message": "Success", "data": {"message_id": f"m{len(self.delivered)}"}}

    def _token(self, headers: dict[str, str], form: dict[str, str]) -> dict[str, Any]:
        self.token_calls.append(form)
        secret_key = {k.lower(): v for k, v in headers.items()}.get("secret_key")
        if secret_key != self.app_secret_key or form.get("app_id") != self.app_id:
            return {"error": -14002, "error_name": "Invalid app", "error_description": "wrong app or secret"}
        if form.get("grant_type") != "refresh_token" or self.refresh_tokens.get(form.get("refresh_token", "")) != (
            "valid"
        ):
            return {"error": -14014, "error_name": "Invalid refresh token", "error_description": "refresh token"}
        self.refresh_tokens[form["refresh_token"]] = "used"
        self.issued += 1
        access, refresh = f"access-{self.issued:04d}-tok", f"refresh-{self.issued:04d}-tok"
        self.access_tokens.add(access)
        self.refresh_tokens[refresh] = "valid"
        return {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}

    def texts_to(self, user_id: str) -> list[str]:
        """What a user received, one string per message (template text for button templates)."""
        with self.cond:
            bodies = [d for d in self.delivered if d["recipient"]["user_id"] == user_id]
        return [_visible_text(d["message"]) for d in bodies]

    def wait_for_delivered(self, count: int) -> None:
        self.wait_for(lambda: len(self.delivered) >= count, f"{count} delivered messages")


def _visible_text(message: dict[str, Any]) -> str:
    if "text" in message:
        return message["text"]
    return message["attachment"]["payload"]["text"]


class FakeRasa(FakeServer):
    """Rasa's REST channel with scripted replies; ``block()`` holds every answer until ``release()``."""

    def __init__(self, script: Callable[[str, str], list[dict[str, Any]]] | None = None) -> None:
        super().__init__()
        self.script = script or (lambda sender, text: [{"recipient_id": sender, "text": f"Trả lời: {text}"}])
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False
        self.received: list[dict[str, Any]] = []

    def block(self) -> None:
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if path != "/webhooks/rest/webhook":
            return 404, {}
        data = json.loads(body)
        with self.cond:
            self.received.append(data)
            self.cond.notify_all()
        if not self.gate.wait(timeout=DEADLINE_S):
            return 500, {"error": "fake Rasa was never released"}
        if self.fail:
            return 500, {"error": "internal"}
        return 200, self.script(data["sender"], data["message"])


def wait_until(predicate: Callable[[], bool], what: str = "condition") -> None:
    """Polls ``predicate`` (for state outside the fakes, such as the inbox) until it holds or the deadline passes."""
    deadline = time.monotonic() + DEADLINE_S
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


class LiveGateway:
    """The gateway app under uvicorn on 127.0.0.1 (port 0) in a thread: its lifespan and worker really run."""

    def __init__(self, app: Any) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="on", log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = ""

    def __enter__(self) -> LiveGateway:
        self._thread.start()
        deadline = time.monotonic() + DEADLINE_S
        while not self.server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=DEADLINE_S)
        if self._thread.is_alive():
            raise RuntimeError("the gateway did not stop")
