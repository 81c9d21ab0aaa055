"""A fake citizen-identity provider over real HTTP on 127.0.0.1, following backends/identity/HTTP_CONTRACT.md.

It serves citizens and birth notices (only the unregistered ones of the parent asked for, like a real provider),
checks ``X-API-Key`` (401 otherwise), records the paths asked, and can be told to be slow, to answer a status
a number of times before behaving, or to send a body of our choosing.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from backends.identity.http import HttpIdentityBackend
from backends.identity.model import Address, BirthNotice, Citizen

API_KEY = "fake-identity-provider-key-71c4e9"


def address_json(address: Address | None) -> dict[str, str] | None:
    if address is None:
        return None
    return {
        "province": address.province,
        "district": address.district,
        "commune": address.commune,
        "detail": address.detail,
    }


def citizen_json(citizen: Citizen) -> dict[str, Any]:
    return {
        "id_number": citizen.id_number,
        "full_name": citizen.full_name,
        "date_of_birth": citizen.date_of_birth.isoformat(),
        "sex": citizen.sex,
        "ethnicity": citizen.ethnicity,
        "nationality": citizen.nationality,
        "religion": citizen.religion,
        "hometown": citizen.hometown,
        "permanent_address": address_json(citizen.permanent_address),
        "current_address": address_json(citizen.current_address),
        "phone": citizen.phone or None,
        "email": citizen.email or None,
        "marital_status": citizen.marital_status or None,
        "father_id": citizen.father_id,
        "mother_id": citizen.mother_id,
        "spouse_id": citizen.spouse_id,
        "children_ids": list(citizen.children_ids),
        "a_field_the_client_ignores": {"x": 1},
    }


def notice_json(notice: BirthNotice) -> dict[str, Any]:
    return {
        "number": notice.number,
        "mother_id": notice.mother_id,
        "father_id": notice.father_id,
        "child_name": notice.child_name or None,
        "date_of_birth": notice.date_of_birth.isoformat(),
        "sex": notice.sex,
        "place_of_birth": notice.place_of_birth,
        "issued_by": notice.issued_by,
        "issued_on": notice.issued_on.isoformat(),
        "registered": notice.registered,
        "facility_code": "ignored-by-the-client",
    }


@dataclass
class FakeProvider:
    citizens: dict[str, dict[str, Any]] = field(default_factory=dict)
    notices: list[dict[str, Any]] = field(default_factory=list)
    api_key: str = API_KEY
    delay: float = 0.0
    fail_status: int = 0
    fail_times: int = 0
    raw_body: bytes | None = None
    seen: list[str] = field(default_factory=list)
    queries: list[dict[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, query: dict[str, list[str]], key: str | None) -> tuple[int, bytes]:
        with self.lock:
            self.seen.append(path)
            self.queries.append(query)
            if self.fail_times > 0:
                self.fail_times -= 1
                return self.fail_status, b'{"error": "busy"}'
        if self.delay:
            time.sleep(self.delay)
        if key != self.api_key:
            return 401, b'{"error": "bad key"}'
        if self.raw_body is not None:
            return 200, self.raw_body
        if path == "/api/health":
            return 200, b'{"status": "ok"}'
        if path == "/api/citizens":
            phone = (query.get("phone") or [""])[0]
            found = [c for c in self.citizens.values() if c.get("phone") and c["phone"].replace(" ", "") == phone]
            return 200, json.dumps(found, ensure_ascii=False).encode()
        if path == "/api/birth-notices":
            parent = (query.get("parent_id") or [""])[0]
            found = [
                n for n in self.notices if parent in (n["mother_id"], n.get("father_id")) and not n.get("registered")
            ]
            return 200, json.dumps(found, ensure_ascii=False).encode()
        if path.startswith("/api/citizens/"):
            citizen = self.citizens.get(path.rsplit("/", 1)[1])
            if citizen is None:
                return 404, b'{"error": "not found"}'
            return 200, json.dumps(citizen, ensure_ascii=False).encode()
        return 404, b"{}"


def start(provider: FakeProvider) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``provider`` on 127.0.0.1 (a free port); the server and the API base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            status, body = provider.answer(parts.path, parse_qs(parts.query), self.headers.get("X-API-Key"))
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/api"


def client(base_url: str, key: str = API_KEY, **kwargs: object) -> HttpIdentityBackend:
    """The HTTP adapter pointed at a fake provider, with short timeouts."""
    kwargs.setdefault("timeout", (2.0, 5.0))
    return HttpIdentityBackend(base_url, key, **kwargs)  # type: ignore[arg-type]
