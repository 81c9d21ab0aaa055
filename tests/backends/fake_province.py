"""A fake provincial dossier API over real HTTP on 127.0.0.1, following backends/dossiers/HTTP_CONTRACT.md.

It checks ``X-API-Key`` (401 otherwise), records every request, and can be told to be slow, to answer 503 (or any
status) a number of times, to send malformed JSON or a body of our choosing, or to redirect.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from backends.dossiers.model import Dossier

API_KEY = "fake-province-key-3b9d2c71"


def dossier_json(dossier: Dossier) -> dict[str, Any]:
    """A dossier in the contract's JSON shape."""

    def ts(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "agency": dossier.agency,
        "applicant": {
            "name": dossier.applicant_name,
            "phone": dossier.applicant_phone,
            "id_number": dossier.applicant_id_number,
        },
        "method": dossier.method,
        "status": dossier.status.value,
        "current_step": dossier.current_step,
        "received_at": ts(dossier.received_at),
        "due_at": ts(dossier.due_at),
        "completed_at": ts(dossier.completed_at),
        "updated_at": ts(dossier.updated_at),
        "history": [{"status": e.status.value, "at": ts(e.at), "note": e.note} for e in dossier.history],
        "supplement": (
            {
                "documents": list(dossier.supplement.documents),
                "deadline": dossier.supplement.deadline.isoformat(),
                "note": dossier.supplement.note,
            }
            if dossier.supplement
            else None
        ),
        "payment": (
            {
                "amount_vnd": dossier.payment.amount_vnd,
                "deadline": dossier.payment.deadline.isoformat(),
                "note": dossier.payment.note,
            }
            if dossier.payment
            else None
        ),
        "extra_field_the_client_ignores": {"anything": True},
    }


@dataclass
class Seen:
    path: str
    query: dict[str, list[str]]
    api_key: str | None


@dataclass
class FakeProvince:
    dossiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    api_key: str = API_KEY
    delay: float = 0.0  # seconds before answering
    fail_times: int = 0  # the next N requests get fail_status
    fail_status: int = 503
    malformed: bool = False  # send a broken JSON body
    body_override: bytes | None = None  # send this body (200) instead of the real answer
    redirect_to: str | None = None
    seen: list[Seen] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, handler: BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(handler.path)
        query = parse_qs(parts.query)
        with self._lock:
            self.seen.append(Seen(unquote(parts.path), query, handler.headers.get("X-API-Key")))
            failing = self.fail_times > 0
            if failing:
                self.fail_times -= 1
        if self.delay:
            time.sleep(self.delay)
        if handler.headers.get("X-API-Key") != self.api_key:
            return 401, b'{"error": "unauthorized"}', {}
        if failing:
            return self.fail_status, b'{"error": "busy"}', {}
        if self.redirect_to:
            return 302, b"", {"Location": self.redirect_to}
        if self.malformed:
            return 200, b'{"code": "000.00.12.H49-260310-0005", "status": ', {}
        if self.body_override is not None:
            return 200, self.body_override, {}
        path = unquote(parts.path)
        if path.startswith("/api/dossiers/"):
            found = self.dossiers.get(path.removeprefix("/api/dossiers/"))
            if found is None:
                return 404, b'{"error": "not found"}', {}
            return 200, json.dumps(found, ensure_ascii=False).encode(), {}
        if path == "/api/dossiers":
            since = datetime.fromisoformat(query["changed_since"][0])
            changed = [d for d in self.dossiers.values() if datetime.fromisoformat(d["updated_at"]) > since]
            changed.sort(key=lambda d: datetime.fromisoformat(d["updated_at"]))
            return 200, json.dumps(changed, ensure_ascii=False).encode(), {}
        return 404, b"{}", {}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        status, body, headers = self.server.province.answer(self)
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    province: FakeProvince


def start(province: FakeProvince) -> tuple[_Server, str]:
    """Serve ``province`` on 127.0.0.1 (a free port); returns the server and the API's base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.province = province
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/api"
