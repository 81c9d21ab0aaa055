"""The web widget in a real browser: headless Chromium (Playwright) → the real gateway app (uvicorn on 127.0.0.1) →
a fake Rasa REST server (stdlib HTTP on 127.0.0.1).

English is tested on a second host page served by the fake server on its own origin (`/host-en.html`, with
`<html lang="en">` and `data-lang="en"`, `data-api` pointing at the gateway): that also proves the one-script-tag
embedding works cross-origin, through the gateway's CORS (``allowed_origins``).

Needs Debian's `chromium` (/usr/bin/chromium, or MOTCUA_CHROMIUM) and the `playwright` Python package; the tests
are skipped, saying so, when either is missing. `running_gateway()` starts any gateway app on a free port and is
meant to be reused against the real Rasa stack.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from connectors.app import ChannelFactory, create_app
from connectors.messages import gateway_message
from connectors.settings import GatewaySettings
from connectors.widget.channel import widget_channel

pytestmark = pytest.mark.integration

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
GATE_TIMEOUT_S = 8.0  # below the gateway's Rasa timeout (10 s): a forgotten gate still ends in a reply

KHAI_SINH = "Đăng ký khai sinh"
THUONG_TRU = "Đăng ký thường trú"
KHAI_SINH_PAYLOAD = '/choose_procedure{"code":"1.001193"}'
HOSTILE = "<b>bold</b><script>window.__pwned=1</script>"
LINK = "https://dichvucong.example/thu-tuc/1.001193"
URL_BUTTON = "Xem trên Cổng Dịch vụ công"

GREETING = [
    {
        "text": "Chào bạn! Bạn muốn hỏi về thủ tục nào?",
        "buttons": [
            {"title": KHAI_SINH, "payload": KHAI_SINH_PAYLOAD},
            {"title": THUONG_TRU, "payload": '/choose_procedure{"code":"1.004222"}'},
        ],
    }
]
ANSWER = [
    {
        "text": f"Hồ sơ đăng ký khai sinh gồm tờ khai và giấy chứng sinh. Chi tiết tại {LINK}.\n{HOSTILE}",
        "buttons": [{"title": URL_BUTTON, "url": LINK}],
    }
]
ENGLISH_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page (English)</title></head>
<body><h1>Another site embedding the widget</h1><p><a href="#">A link before the widget</a></p>
<script src="{gateway}/widget/motcua-widget.js" data-api="{gateway}" data-lang="en" defer></script>
</body></html>
"""

VI = {
    "open": "Mở trợ lý ảo thủ tục hành chính",
    "title": "Trợ lý ảo thủ tục hành chính",
    "large": "Chữ lớn",
    "new": "Cuộc trò chuyện mới",
    "close": "Đóng",
    "error": "Xin lỗi, chưa gửi được tin nhắn. Bạn vui lòng thử lại sau ít phút nhé.",
}
EN = {
    "open": "Open the public-service assistant",
    "title": "Public-service assistant",
    "placeholder": "Type your question, e.g. how do I register a birth?",
    "send": "Send message",
    "close": "Close",
    "large": "Large text",
    "new": "New conversation",
}


# ---- the fake Rasa server --------------------------------------------------------------------------------------


class FakeRasa:
    """Rasa's REST channel, scripted: a payload gets the answer, anything else the greeting."""

    def __init__(self) -> None:
        self.url = ""
        self.gateway_url = ""
        self.reset()

    def reset(self) -> None:
        self.posted: list[dict[str, Any]] = []
        self.status = 200
        self.gate: threading.Event | None = None  # while set up and not released, replies wait

    def hold(self) -> threading.Event:
        """Replies wait until the returned event is set (so the typing indicator can be seen, without timing)."""
        self.gate = threading.Event()
        return self.gate

    def reply_to(self, message: str) -> list[dict[str, Any]]:
        return ANSWER if message.startswith("/choose_procedure") else GREETING


def _handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/host-en.html":
                page = ENGLISH_PAGE.replace("{gateway}", fake.gateway_url)
                self._send(200, page.encode(), "text/html; charset=utf-8")
            elif self.path == "/":
                self._send(200, b"Hello from Rasa: 3.6.21", "text/plain")
            else:
                self._send(404, b"not found", "text/plain")

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            if self.path != "/webhooks/rest/webhook":
                self._send(404, b"not found", "text/plain")
                return
            fake.posted.append(body)
            gate = fake.gate
            if gate is not None:
                gate.wait(GATE_TIMEOUT_S)
            if fake.status != 200:
                self._send(fake.status, b"Internal Server Error", "text/plain")
                return
            replies = fake.reply_to(str(body.get("message", "")))
            self._send(200, json.dumps(replies, ensure_ascii=False).encode(), "application/json")

    return Handler


@pytest.fixture(scope="module")
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


# ---- the real gateway, served by uvicorn -----------------------------------------------------------------------


@contextmanager
def running_gateway(
    settings: GatewaySettings, channels: list[ChannelFactory] | None = None, startup_timeout_s: float = 20.0
) -> Iterator[str]:
    """The real gateway app (``create_app``) on a free port of 127.0.0.1; yields its base URL.

    Reusable against any Rasa: pass settings whose ``rasa_url`` points at a fake or at the real stack.
    """
    app = create_app(settings, channels=[widget_channel] if channels is None else channels)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the gateway did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@pytest.fixture(scope="module")
def gateway(fake_rasa, tmp_path_factory) -> Iterator[str]:
    settings = GatewaySettings(
        rasa_url=fake_rasa.url,
        data_dir=tmp_path_factory.mktemp("gateway-data"),
        allowed_origins=[fake_rasa.url],  # the English host page lives on the fake's origin
        rate_limit="600/minute",
    )
    with running_gateway(settings) as url:
        fake_rasa.gateway_url = url
        yield url


# ---- the browser -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    # scripts/test.sh installs both and sets MOTCUA_REQUIRE_BROWSER, so there a missing browser fails, not skips.
    required = bool(os.environ.get("MOTCUA_REQUIRE_BROWSER"))
    try:
        from playwright import sync_api
    except ImportError:
        if required:
            pytest.fail("playwright is not installed (scripts/setup.sh installs it)")
        pytest.skip("pip install playwright (its Python package only)")
    if not Path(CHROMIUM).exists():
        if required:
            pytest.fail(f"no Chromium at {CHROMIUM} (scripts/setup_browser.sh installs Debian's chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


@pytest.fixture
def context(browser):
    """A fresh browser profile per test (its own localStorage, so its own conversation)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    pg = context.new_page()
    pg.problems = []  # console errors and uncaught exceptions, checked by the tests that care
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    return pg


@pytest.fixture(autouse=True)
def _fresh_fake(fake_rasa):
    fake_rasa.reset()
    yield
    if fake_rasa.gate is not None:
        fake_rasa.gate.set()


# ---- helpers -------------------------------------------------------------------------------------------------


def focused(page) -> str:
    """The widget element that has the focus (its id or class), or the tag of the page's focused element."""
    return page.evaluate(
        """() => {
            const host = document.getElementById("motcua-widget");
            const inner = host && host.shadowRoot && host.shadowRoot.activeElement;
            if (inner) return inner.id || inner.className;
            return document.activeElement ? document.activeElement.tagName : "";
        }"""
    )


def open_widget(page, expect, labels=VI) -> None:
    page.get_by_role("button", name=labels["open"]).click()
    expect(page.locator(".mcw-panel")).to_be_visible()


def ask(page, expect, text: str) -> None:
    """Types a question and sends it with Enter; waits for the greeting's buttons."""
    box = page.locator(".mcw-input")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".mcw-bot .mcw-quick").first).to_be_visible()


def user_bubbles(page) -> list[str]:
    return page.locator(".mcw-user .mcw-bubble").all_inner_texts()


def screenshot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path))
    shutil.copyfile(path, f"/tmp/{name}.png")
    return path


# ---- tests -------------------------------------------------------------------------------------------------------


def test_question_shows_typing_then_reply_with_buttons(page, expect, gateway, fake_rasa):
    page.goto(f"{gateway}/demo")
    assert page.locator("script").count() == 1  # the host page has exactly one script tag
    expect(page.locator(".mcw-launcher")).to_have_css("position", "fixed")  # our stylesheet loaded under the CSP
    open_widget(page, expect)
    assert focused(page) == "mcw-input"
    gate = fake_rasa.hold()
    box = page.locator(".mcw-input")
    box.fill("xin chào, tôi muốn hỏi thủ tục")
    box.press("Enter")
    expect(page.locator(".mcw-typing")).to_be_visible()
    expect(box).to_have_value("")
    assert user_bubbles(page) == ["xin chào, tôi muốn hỏi thủ tục"]
    gate.set()
    quick = page.locator(".mcw-bot .mcw-quick")
    expect(quick).to_have_count(2)
    expect(quick.nth(0)).to_have_text(KHAI_SINH)
    expect(quick.nth(1)).to_have_text(THUONG_TRU)
    expect(page.locator(".mcw-typing")).to_have_count(0)
    assert fake_rasa.posted[0]["message"] == "xin chào, tôi muốn hỏi thủ tục"
    assert fake_rasa.posted[0]["sender"].startswith("web:w")
    assert page.problems == []  # no CSP violation, no script error


def test_payload_button_shows_its_title_and_the_answer_is_safe(page, expect, gateway, fake_rasa, tmp_path):
    page.goto(f"{gateway}/demo")
    open_widget(page, expect)
    ask(page, expect, "làm giấy khai sinh")
    page.get_by_role("button", name=KHAI_SINH).click()
    answer = page.locator(".mcw-bot .mcw-bubble", has_text="giấy chứng sinh")
    expect(answer).to_be_visible()
    assert user_bubbles(page) == ["làm giấy khai sinh", KHAI_SINH]  # the title, not the payload
    assert fake_rasa.posted[-1]["message"] == KHAI_SINH_PAYLOAD
    # the HTML shows as literal text and never runs
    assert HOSTILE in answer.inner_text()
    assert answer.locator("b, script").count() == 0
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    # the https URL in the text is a safe new-tab link; so is the url button
    link = answer.locator("a")
    expect(link).to_have_count(1)
    assert link.get_attribute("href") == LINK
    assert link.inner_text() == LINK  # the sentence's final full stop is not part of the link
    assert link.get_attribute("target") == "_blank"
    assert {"noopener", "noreferrer"} <= set(link.get_attribute("rel").split())
    button_link = page.locator("a.mcw-quick-link")
    assert button_link.inner_text() == URL_BUTTON
    assert button_link.get_attribute("href") == LINK
    assert button_link.get_attribute("target") == "_blank"
    assert "noopener" in button_link.get_attribute("rel").split()
    assert page.problems == []
    screenshot(page, tmp_path, "widget-desktop")


def test_transcript_and_sender_survive_a_reload_until_a_new_conversation(page, expect, gateway, fake_rasa):
    page.goto(f"{gateway}/demo")
    open_widget(page, expect)
    ask(page, expect, "cho tôi hỏi")
    page.get_by_role("button", name=THUONG_TRU).click()
    expect(page.locator(".mcw-bubble", has_text="giấy chứng sinh")).to_be_visible()
    page.reload()
    open_widget(page, expect)
    assert user_bubbles(page) == ["cho tôi hỏi", THUONG_TRU]
    expect(page.locator(".mcw-bubble", has_text="giấy chứng sinh")).to_be_visible()
    expect(page.locator(".mcw-bot .mcw-quick", has_text=KHAI_SINH)).to_be_visible()  # buttons come back too
    ask(page, expect, "hỏi tiếp")
    senders = {p["sender"] for p in fake_rasa.posted}
    assert len(senders) == 1  # the same conversation after the reload
    page.get_by_role("button", name=VI["new"]).click()
    expect(page.locator(".mcw-user")).to_have_count(0)
    assert focused(page) == "mcw-input"
    ask(page, expect, "câu hỏi mới")
    assert fake_rasa.posted[-1]["sender"] not in senders
    page.reload()
    open_widget(page, expect)
    assert user_bubbles(page) == ["câu hỏi mới"]


def test_transcript_keeps_only_the_last_50_messages(page, expect, gateway):
    page.goto(f"{gateway}/demo")
    stored = {
        "sender": "wtest",
        "large": False,
        "messages": [{"role": "user", "text": f"tin {i}"} for i in range(70)],
    }
    page.evaluate("s => localStorage.setItem('motcua-widget:v1', JSON.stringify(s))", stored)
    page.reload()
    open_widget(page, expect)
    bubbles = user_bubbles(page)
    assert len(bubbles) == 50
    assert bubbles[0] == "tin 20"
    assert bubbles[-1] == "tin 69"
    ask(page, expect, "tin mới")
    saved = json.loads(page.evaluate("() => localStorage.getItem('motcua-widget:v1')"))
    assert len(saved["messages"]) == 50
    assert saved["messages"][-1]["role"] == "bot"


def test_keyboard_only(page, expect, gateway, fake_rasa):
    page.goto(f"{gateway}/demo")
    for _ in range(60):  # Tab through the portal's links to the launcher (the widget is last on the page)
        page.keyboard.press("Tab")
        if focused(page) == "mcw-launcher":
            break
    assert focused(page) == "mcw-launcher"
    page.keyboard.press("Enter")
    expect(page.locator(".mcw-panel")).to_be_visible()
    assert focused(page) == "mcw-input"
    page.keyboard.type("dòng một")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("dòng hai")
    expect(page.locator(".mcw-input")).to_have_value("dòng một\ndòng hai")
    assert fake_rasa.posted == []  # Shift+Enter did not send
    page.keyboard.press("Enter")
    expect(page.locator(".mcw-bot .mcw-quick").first).to_be_visible()
    assert fake_rasa.posted[0]["message"] == "dòng một\ndòng hai"
    page.keyboard.press("Escape")
    expect(page.locator(".mcw-panel")).to_be_hidden()
    assert focused(page) == "mcw-launcher"
    # every control is a <button> with an accessible name; the transcript is a polite live log
    page.keyboard.press("Enter")
    expect(page.locator(".mcw-panel")).to_be_visible()
    for name in (VI["large"], VI["new"], VI["close"], "Gửi tin nhắn", KHAI_SINH, THUONG_TRU):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    log = page.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    assert page.get_by_role("dialog", name=VI["title"]).count() == 1


def test_large_text_toggle_changes_the_font_size_and_is_remembered(page, expect, gateway):
    page.goto(f"{gateway}/demo")
    open_widget(page, expect)
    bubble = page.locator(".mcw-welcome .mcw-bubble")

    def font_px() -> float:
        return float(bubble.evaluate("b => getComputedStyle(b).fontSize").removesuffix("px"))

    normal = font_px()
    toggle = page.get_by_role("button", name=VI["large"], exact=True)
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    large = font_px()
    assert large >= normal * 1.2
    page.reload()
    open_widget(page, expect)
    assert font_px() == large
    page.get_by_role("button", name=VI["large"], exact=True).click()
    assert font_px() == normal


def test_english_page_on_another_origin_shows_english_strings(page, expect, gateway, fake_rasa):
    requests_sent = []
    page.on("request", lambda r: requests_sent.append(r) if r.url.endswith("/api/chat") else None)
    page.goto(f"{fake_rasa.url}/host-en.html")
    open_widget(page, expect, EN)
    expect(page.locator(".mcw-title")).to_have_text(EN["title"])
    expect(page.locator(".mcw-input")).to_have_attribute("placeholder", EN["placeholder"])
    for key in ("send", "close", "large", "new"):
        expect(page.get_by_role("button", name=EN[key], exact=True)).to_have_count(1)
    expect(page.locator(".mcw-welcome")).to_contain_text("Hello!")
    ask(page, expect, "how do I register a birth")  # cross-origin, through the gateway's CORS
    post = [r for r in requests_sent if r.method == "POST"]
    assert post[0].post_data_json["lang"] == "en"
    assert post[0].url == f"{gateway}/api/chat"
    assert page.locator(".mcw-root").get_attribute("lang") == "en"


def test_phone_shows_the_panel_full_screen(browser, expect, gateway, tmp_path):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = ctx.new_page()
        page.goto(f"{gateway}/demo")
        open_widget(page, expect)
        ask(page, expect, "đăng ký khai sinh cho con")
        box = page.locator(".mcw-panel").bounding_box()
        assert box == {"x": 0, "y": 0, "width": 390, "height": 844}
        expect(page.locator(".mcw-launcher")).to_be_hidden()  # not on top of the panel
        send = page.locator(".mcw-send").bounding_box()
        assert send["x"] + send["width"] <= 390  # the send button is not cut off
        for button in page.locator(".mcw-quick").all():
            b = button.bounding_box()
            assert b["x"] >= 0
            assert b["x"] + b["width"] <= 390
        screenshot(page, tmp_path, "widget-phone")
        page.keyboard.press("Escape")
        expect(page.locator(".mcw-launcher")).to_be_visible()
    finally:
        ctx.close()


def test_rasa_error_shows_the_polite_gateway_message(page, expect, gateway, fake_rasa):
    fake_rasa.status = 500
    page.goto(f"{gateway}/demo")
    open_widget(page, expect)
    box = page.locator(".mcw-input")
    box.fill("thủ tục đăng ký kết hôn")
    box.press("Enter")
    expect(page.locator(".mcw-bot .mcw-bubble", has_text=gateway_message("unavailable", "vi"))).to_be_visible()
    assert len(fake_rasa.posted) == 1


def test_unreachable_gateway_keeps_the_typed_text(page, expect, gateway):
    page.goto(f"{gateway}/demo")
    open_widget(page, expect)
    page.route("**/api/chat", lambda route: route.abort("connectionrefused"))
    box = page.locator(".mcw-input")
    box.fill("lệ phí đăng ký thường trú")
    box.press("Enter")
    expect(page.locator(".mcw-error .mcw-bubble")).to_have_text(VI["error"])
    expect(box).to_have_value("lệ phí đăng ký thường trú")
    expect(page.locator(".mcw-user")).to_have_count(0)  # the undelivered message is not in the transcript
    page.unroute("**/api/chat")
    box.press("Enter")  # try again: it goes through, and the error goes away
    expect(page.locator(".mcw-bot .mcw-quick").first).to_be_visible()
    expect(page.locator(".mcw-error")).to_have_count(0)
    assert user_bubbles(page) == ["lệ phí đăng ký thường trú"]


def test_gateway_http_error_shows_the_widget_message(page, expect, gateway):
    page.goto(f"{gateway}/demo")
    open_widget(page, expect)
    page.route("**/api/chat", lambda route: route.fulfill(status=502, body="Bad Gateway"))
    box = page.locator(".mcw-input")
    box.fill("giờ làm việc")
    box.press("Enter")
    expect(page.locator(".mcw-error")).to_be_visible()
    expect(box).to_have_value("giờ làm việc")


def test_message_length_is_counted_and_capped(page, expect, gateway, fake_rasa):
    page.goto(f"{gateway}/demo")
    open_widget(page, expect)
    box = page.locator(".mcw-input")
    counter = page.locator(".mcw-counter")
    expect(counter).to_have_text("0/2000 ký tự")
    box.fill("a" * 10)
    expect(counter).to_have_text("10/2000 ký tự")
    box.fill("")
    box.focus()
    page.keyboard.insert_text("b" * 1999)
    page.keyboard.type("cde")  # typing past the limit is refused
    expect(box).to_have_value("b" * 1999 + "c")
    expect(counter).to_have_text("2000/2000 ký tự")
    expect(counter).to_have_class("mcw-counter mcw-counter-full")
    box.press("Enter")
    expect(page.locator(".mcw-bot .mcw-quick").first).to_be_visible()
    assert len(fake_rasa.posted[0]["message"]) == 2000


def test_raw_dot_segment_path_is_refused_by_the_running_gateway(gateway):
    host, port = gateway.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"GET /widget/../settings.py HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 404")
    assert b"GatewaySettings" not in answer
