"""The web widget channel: serves the widget's script and stylesheet and a demo portal page.

The widget itself talks to the gateway's ``POST /api/chat``; this channel only adds the static routes:

- ``GET /widget/motcua-widget.js`` and ``GET /widget/motcua-widget.css`` (a short Cache-Control and an ETag, so a
  new release reaches citizens within minutes);
- ``GET /demo``: a plain "Cổng Dịch vụ công" page embedding the widget with one script tag, under a strict
  Content-Security-Policy (no inline script; its one inline ``<style>`` is allowed by its hash).

Only the files named in :data:`ASSETS` are served, so no request path can reach another file.
"""

from __future__ import annotations

import base64
import hashlib
import re
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from importlib.resources import files

from fastapi import FastAPI, HTTPException, Request, Response

from ..dialogue import Dialogue
from ..settings import GatewaySettings

ASSETS = {
    "motcua-widget.js": "text/javascript; charset=utf-8",
    "motcua-widget.css": "text/css; charset=utf-8",
}
DEMO_FILE = "demo.html"
ASSET_CACHE = "public, max-age=300"
_STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.S)


def read_static(name: str) -> bytes:
    return (files(__package__) / "static" / name).read_bytes()


def demo_csp(page: str) -> str:
    """The demo page's policy: only same-origin scripts and API calls; its inline styles allowed by their hashes."""
    style_src = ["'self'"] + [
        f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"
        for block in _STYLE_BLOCK.findall(page)
    ]
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "connect-src 'self'",
            "style-src " + " ".join(style_src),
            "img-src 'self' https: data:",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


@dataclass
class _File:
    body: bytes
    media_type: str
    etag: str

    @classmethod
    def load(cls, name: str, media_type: str) -> _File:
        body = read_static(name)
        return cls(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


class WidgetChannel:
    def __init__(self) -> None:
        self.assets = {name: _File.load(name, media_type) for name, media_type in ASSETS.items()}
        self.demo = _File.load(DEMO_FILE, "text/html; charset=utf-8")
        self.demo_policy = demo_csp(self.demo.body.decode("utf-8"))

    def mount(self, app: FastAPI) -> None:
        @app.get("/widget/{name}", include_in_schema=False)
        async def widget_asset(name: str, request: Request) -> Response:
            asset = self.assets.get(name)
            if asset is None:
                raise HTTPException(status_code=404)
            return _respond(asset, request, {"Cache-Control": ASSET_CACHE})

        @app.get("/demo", include_in_schema=False)
        async def demo_page(request: Request) -> Response:
            headers = {
                "Cache-Control": "no-cache",
                "Content-Security-Policy": self.demo_policy,
                "Referrer-Policy": "strict-origin-when-cross-origin",
            }
            return _respond(self.demo, request, headers)

    def lifespan(self) -> AbstractAsyncContextManager[None] | None:
        return None


def _respond(file: _File, request: Request, headers: dict[str, str]) -> Response:
    headers = {**headers, "ETag": file.etag, "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == file.etag:
        return Response(status_code=304, headers=headers)
    return Response(file.body, media_type=file.media_type, headers=headers)


def widget_channel(settings: GatewaySettings, dialogue: Dialogue) -> WidgetChannel:
    """The channel factory for :func:`connectors.app.create_app` (the widget needs no settings of its own)."""
    return WidgetChannel()
