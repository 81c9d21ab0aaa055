"""The web widget channel, offline: the gateway serves the widget's files and the demo page safely."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from connectors.app import create_app
from connectors.settings import GatewaySettings
from connectors.widget.channel import ASSET_CACHE, widget_channel

STATIC = Path(__file__).resolve().parents[2] / "connectors" / "widget" / "static"
JS = (STATIC / "motcua-widget.js").read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path):
    # nothing listens on port 9: the widget routes must not need Rasa
    return create_app(GatewaySettings(rasa_url="http://127.0.0.1:9", data_dir=tmp_path), channels=[widget_channel])


@pytest.fixture
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "file", "content_type"),
    [
        ("/widget/motcua-widget.js", "motcua-widget.js", "text/javascript"),
        ("/widget/motcua-widget.css", "motcua-widget.css", "text/css"),
        ("/demo", "demo.html", "text/html"),
    ],
)
def test_files_are_served_with_their_content_type(client, path, file, content_type):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == content_type
    assert "charset=utf-8" in response.headers["content-type"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (STATIC / file).read_bytes()


@pytest.mark.parametrize("path", ["/widget/motcua-widget.js", "/widget/motcua-widget.css"])
def test_assets_have_a_short_cache_and_an_etag(client, path):
    response = client.get(path)
    assert response.headers["cache-control"] == ASSET_CACHE
    max_age = int(re.search(r"max-age=(\d+)", ASSET_CACHE).group(1))
    assert 0 < max_age <= 3600  # a new release reaches citizens within the hour
    again = client.get(path, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_demo_page_has_a_strict_content_security_policy(client):
    response = client.get("/demo")
    directives = [d.strip().split(" ", 1) for d in response.headers["content-security-policy"].split(";")]
    policy = {d[0]: d[1] if len(d) > 1 else "" for d in directives}
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert "unsafe-eval" not in response.headers["content-security-policy"]
    # the page's one inline <style> is allowed by its hash, so the browser applies it
    style = re.search(r"<style>(.*?)</style>", response.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy["style-src"].split()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.script_text = ""
        self.in_script = False
        self.html_lang: str | None = None
        self.title = ""
        self.in_title = False
        self.event_handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.event_handlers += [f"{tag}[{name}]" for name, _ in attrs if name.startswith("on")]
        if tag == "script":
            self.scripts.append(dict(attrs))
            self.in_script = True
        elif tag == "html":
            self.html_lang = dict(attrs).get("lang")
        elif tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        self.in_script = self.in_script and tag != "script"
        self.in_title = self.in_title and tag != "title"

    def handle_data(self, data):
        if self.in_script:
            self.script_text += data
        if self.in_title:
            self.title += data


def test_demo_page_embeds_the_widget_with_exactly_one_script_tag(client):
    tags = _Tags()
    tags.feed(client.get("/demo").text)
    assert len(tags.scripts) == 1
    assert tags.scripts[0]["src"] == "/widget/motcua-widget.js"
    assert "defer" in tags.scripts[0]
    assert tags.script_text.strip() == ""  # nothing inline: the CSP would block it
    assert tags.event_handlers == []  # no onclick=... either
    assert tags.html_lang == "vi"
    assert "Cổng Dịch vụ công tỉnh" in tags.title
    assert "(demo)" in tags.title


def _code_only(source: str) -> str:
    """The widget's source without its comments (a comment may name what the code must never do)."""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"(?m)^\s*//.*$", "", source)


@pytest.mark.parametrize(
    "sink",
    [
        r"\.innerHTML\b",
        r"\.outerHTML\b",
        r"\binsertAdjacentHTML\b",
        r"\bdocument\.write(ln)?\b",
        r"\beval\s*\(",
        r"\bnew\s+Function\b",
        r"\bset(Timeout|Interval)\s*\(\s*[\"'`]",
        r"\bcreateContextualFragment\b",
        r"\bDOMParser\b",
    ],
)
def test_widget_source_has_no_html_or_code_injection_sink(sink):
    assert not re.search(sink, JS), f"widget JS uses {sink}"


def test_widget_source_check_would_catch_a_sink():
    # the check above is not vacuous: a line using innerHTML would be found
    assert re.search(r"\.innerHTML\b", JS + "\nbubble.innerHTML = text;")
    assert "textContent" in _code_only(JS)


def test_widget_has_no_external_dependencies():
    code = _code_only(JS)
    assert not re.search(r"\b(import|require)\s*\(", code)
    assert not re.search(r"^\s*import\s", code, re.M)
    # the only absolute URL in the code is the SVG namespace
    assert re.findall(r"https?://[\w.-]+", code) == ["http://www.w3.org"]


def test_both_languages_define_the_same_ui_strings():
    tables = re.findall(r"\n    (vi|en): \{(.*?)\n    \}", JS, re.S)
    assert [lang for lang, _ in tables] == ["vi", "en"]
    keys = [re.findall(r"^\s+(\w+):", body, re.M) for _, body in tables]
    assert keys[0] == keys[1]
    for required in ("title", "placeholder", "send", "close", "largeText", "newConversation", "error"):
        assert required in keys[0]


@pytest.mark.parametrize(
    "path",
    [
        "/widget/settings.py",
        "/widget/channel.py",
        "/widget/demo.html",
        "/widget/__init__.py",
        "/widget/static/motcua-widget.js",
        "/widget/%2e%2e/settings.py",
        "/widget/..%2fchannel.py",
        "/widget/%2e%2e%2f%2e%2e%2fsettings.py",
        "/widget/",
        "/demo/../widget/channel.py",
    ],
)
def test_unknown_static_paths_are_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"GatewaySettings" not in response.content


def _raw_get(app, path: str) -> tuple[int, bytes]:
    """One GET through the ASGI app with the path exactly as given (an HTTP client would remove the dots)."""
    sent: list[dict] = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 12345),
        "server": ("testserver", 80),
    }

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body


@pytest.mark.parametrize(
    "path", ["/widget/../settings.py", "/widget/../widget/channel.py", "/widget/../../pyproject.toml", "/widget/.."]
)
def test_dot_segments_do_not_escape_the_static_folder(app, path):
    status, body = _raw_get(app, path)
    assert status == 404
    assert b"import" not in body


def test_raw_request_helper_reaches_the_widget_routes(app):
    status, body = _raw_get(app, "/widget/motcua-widget.css")
    assert status == 200
    assert b".mcw-root" in body


def test_channel_has_no_background_task(app, tmp_path):
    channel = widget_channel(GatewaySettings(data_dir=tmp_path), app.state.dialogue)
    assert channel.lifespan() is None
