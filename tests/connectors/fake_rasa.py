"""A fake Rasa server over real HTTP on 127.0.0.1 for gateway unit tests (REST channel + tracker API)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[dict[str, Any]], tuple[int, Any]]


def echo_with_buttons(body: dict[str, Any]) -> tuple[int, Any]:
    text = body.get("message", "")
    return 200, [{"recipient_id": body.get("sender"), "text": f"echo: {text}", "buttons": [
        {"title": "Lệ phí", "payload": '/ask_aspect{"aspect":"fee","code":"1.001193"}'}]}]  # fmt: skip


class FakeRasa:
    def __init__(self, responder: Responder = echo_with_buttons, delay_s: float = 0.0, token: str = "") -> None:
        self.responder = responder
        self.delay_s = delay_s
        self.token = token
        self.received: list[dict[str, Any]] = []
        self.url = ""


@contextmanager
def serve_fake_rasa(fake: FakeRasa) -> Iterator[FakeRasa]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/":
                self._send(200, {"version": "fake"})
            elif self.path.startswith("/conversations/") and f"token={fake.token}" in self.path:
                self._send(200, {
                    "latest_message": {"intent": {"name": "ask_procedure", "confidence": 0.97}},
                    "events": [{"event": "user", "text": "x"}, {"event": "action", "name": "action_extract_slots"},
                               {"event": "action", "name": "action_answer_question"}],
                    "slots": {"retrieval_debug": {"procedures": [{"code": "1.001193", "score": 7.5}]}},
                })  # fmt: skip
            else:
                self._send(401, {"error": "unauthorized"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.received.append(body)
            if fake.delay_s:
                time.sleep(fake.delay_s)
            status, payload = fake.responder(body)
            self._send(status, payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
