"""The gateway core: chat API, health, protections, against a fake Rasa over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import socket

import httpx
import pytest
from pydantic import ValidationError

from connectors.app import create_app
from connectors.messages import gateway_message
from connectors.settings import GatewaySettings
from tests.connectors.fake_rasa import FakeRasa, serve_fake_rasa

STAFF = "staff-token-1234567890"


def settings_for(url: str, tmp_path, **overrides) -> GatewaySettings:
    values = {"rasa_url": url, "data_dir": tmp_path, "staff_token": STAFF, "rasa_token": "rasa-token-123456"}
    return GatewaySettings(**(values | overrides))


def call(app, method: str, path: str, **kwargs) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


@pytest.fixture
def fake_rasa():
    with serve_fake_rasa(FakeRasa(token="rasa-token-123456")) as fake:
        yield fake


def chat(app, message: str, sender: str = "abc123", **extra) -> httpx.Response:
    return call(app, "POST", "/api/chat", json={"sender_id": sender, "message": message, **extra})


def test_a_message_goes_to_rasa_with_a_namespaced_sender_and_replies_come_back(fake_rasa, tmp_path):
    app = create_app(settings_for(fake_rasa.url, tmp_path), channels=[])
    response = chat(app, "  làm giấy khai sinh\x00 ")
    assert response.status_code == 200
    assert fake_rasa.received[-1]["sender"] == "web:abc123"
    assert fake_rasa.received[-1]["message"] == "làm giấy khai sinh", "control characters and spaces removed"
    reply = response.json()["messages"][0]
    assert reply["text"] == "echo: làm giấy khai sinh"
    assert reply["buttons"][0]["payload"].startswith("/ask_aspect")


def test_health_and_the_openapi_schema(fake_rasa, tmp_path):
    app = create_app(settings_for(fake_rasa.url, tmp_path), channels=[])
    assert call(app, "GET", "/health").json() == {"status": "ok", "rasa": True}
    schema = call(app, "GET", "/openapi.json").json()
    assert "/api/chat" in schema["paths"] and "ChatRequest" in schema["components"]["schemas"]


def test_health_reports_rasa_down(tmp_path):
    app = create_app(settings_for(f"http://127.0.0.1:{_free_port()}", tmp_path), channels=[])
    assert call(app, "GET", "/health").json() == {"status": "ok", "rasa": False}


@pytest.mark.parametrize("sender", ["", "a" * 129, "x y", "<script>", "../../etc"])
def test_a_malformed_sender_id_is_refused(fake_rasa, tmp_path, sender):
    app = create_app(settings_for(fake_rasa.url, tmp_path), channels=[])
    assert chat(app, "hi", sender=sender).status_code == 422
    assert fake_rasa.received == []


def test_too_long_a_message_gets_a_polite_answer_and_never_reaches_rasa(fake_rasa, tmp_path):
    app = create_app(settings_for(fake_rasa.url, tmp_path, max_message_chars=50), channels=[])
    response = chat(app, "khai sinh " * 10)
    assert response.json()["messages"][0]["text"] == gateway_message("too_long", "vi", limit=50)
    assert fake_rasa.received == []


def test_an_oversized_body_is_refused_before_parsing(fake_rasa, tmp_path):
    app = create_app(settings_for(fake_rasa.url, tmp_path, max_body_bytes=2048), channels=[])
    response = chat(app, "x" * 5000)
    assert response.status_code == 413
    assert fake_rasa.received == []


def test_per_sender_rate_limit(fake_rasa, tmp_path):
    app = create_app(settings_for(fake_rasa.url, tmp_path, rate_limit="3/minute"), channels=[])
    answers = [chat(app, f"câu {i}").json()["messages"][0]["text"] for i in range(4)]
    assert answers[3] == gateway_message("rate_limited", "vi")
    assert len(fake_rasa.received) == 3
    assert chat(app, "câu khác", sender="someone-else").json()["messages"][0]["text"].startswith("echo:")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_rasa_down_gives_a_polite_try_again(tmp_path, lang):
    app = create_app(settings_for(f"http://127.0.0.1:{_free_port()}", tmp_path), channels=[])
    response = chat(app, "đăng ký khai sinh", lang=lang)
    assert response.status_code == 200
    assert response.json()["messages"][0]["text"] == gateway_message("unavailable", lang)


def test_rasa_errors_and_timeouts_give_a_polite_try_again(tmp_path):
    with serve_fake_rasa(FakeRasa(responder=lambda body: (500, {"error": "boom"}))) as broken:
        app = create_app(settings_for(broken.url, tmp_path), channels=[])
        assert chat(app, "hello").json()["messages"][0]["text"] == gateway_message("unavailable", "vi")
    with serve_fake_rasa(FakeRasa(delay_s=2.0)) as slow:
        app = create_app(settings_for(slow.url, tmp_path, rasa_timeout_s=0.3), channels=[])
        assert chat(app, "hello").json()["messages"][0]["text"] == gateway_message("unavailable", "vi")
    with serve_fake_rasa(FakeRasa(responder=lambda body: (200, {"not": "a list"}))) as odd:
        app = create_app(settings_for(odd.url, tmp_path), channels=[])
        assert chat(app, "hello").json()["messages"][0]["text"] == gateway_message("unavailable", "vi")


def test_debug_needs_the_staff_token(fake_rasa, tmp_path):
    app = create_app(settings_for(fake_rasa.url, tmp_path), channels=[])
    assert chat(app, "khai sinh", debug=True).status_code == 403
    response = call(
        app,
        "POST",
        "/api/chat",
        json={"sender_id": "s1", "message": "khai sinh", "debug": True, "channel": "shell"},
        headers={"X-Staff-Token": "wrong-token-123"},
    )
    assert response.status_code == 403
    response = call(
        app,
        "POST",
        "/api/chat",
        json={"sender_id": "s1", "message": "khai sinh", "debug": True, "channel": "shell"},
        headers={"X-Staff-Token": STAFF},
    )
    debug = response.json()["debug"]
    assert debug["intent"] == "ask_procedure" and debug["actions"] == ["action_answer_question"]
    assert debug["retrieval"]["procedures"][0]["code"] == "1.001193"
    assert fake_rasa.received[-1]["sender"] == "shell:s1"


def test_cors_only_for_configured_origins(fake_rasa, tmp_path):
    app = create_app(settings_for(fake_rasa.url, tmp_path, allowed_origins=["https://dichvucong.quangninh.gov.vn"]))
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    good = call(app, "OPTIONS", "/api/chat", headers={"Origin": "https://dichvucong.quangninh.gov.vn", **preflight})
    assert good.headers.get("access-control-allow-origin") == "https://dichvucong.quangninh.gov.vn"
    bad = call(app, "OPTIONS", "/api/chat", headers={"Origin": "https://evil.example", **preflight})
    assert "access-control-allow-origin" not in bad.headers
    default = create_app(settings_for(fake_rasa.url, tmp_path), channels=[])
    response = call(default, "POST", "/api/chat", json={"sender_id": "a1", "message": "hi"},
                    headers={"Origin": "https://evil.example"})  # fmt: skip
    assert "access-control-allow-origin" not in response.headers


def test_logs_never_hold_the_sender_or_the_text(tmp_path, caplog):
    app = create_app(settings_for(f"http://127.0.0.1:{_free_port()}", tmp_path, max_message_chars=40), channels=[])
    with caplog.at_level(logging.DEBUG):
        chat(app, "Nguyễn Văn An 0912345678 cần làm khai sinh", sender="zalo-user-998877")
        chat(app, "0912345678 ngắn", sender="zalo-user-998877")
    logged = caplog.text
    assert "998877" not in logged and "0912345678" not in logged and "Nguyễn" not in logged
    assert "u:" in logged, "the sender appears only as a pseudonym"


@pytest.mark.parametrize("field", ["telegram_bot_token", "zalo_oa_secret_key", "staff_token"])
@pytest.mark.parametrize("value", ["changeme", "xxx", "<your token>", "your-secret-here", "short"])
def test_placeholder_secrets_are_refused(field, value):
    with pytest.raises(ValidationError) as error:
        GatewaySettings(**{field: value})
    assert value not in str(error.value), "the secret itself is not echoed"


def test_origins_come_from_a_comma_separated_environment_variable(monkeypatch):
    monkeypatch.setenv("MOTCUA_ALLOWED_ORIGINS", "https://a.gov.vn, https://b.gov.vn")
    assert GatewaySettings().allowed_origins == ["https://a.gov.vn", "https://b.gov.vn"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
