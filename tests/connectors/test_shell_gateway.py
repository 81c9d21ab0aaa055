"""The staff shell through the real gateway app (uvicorn on 127.0.0.1) in front of a fake Rasa."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from connectors.app import create_app
from connectors.settings import GatewaySettings
from connectors.shell import GatewayChat, run_shell
from tests.connectors.fake_rasa import FakeRasa, serve_fake_rasa
from tests.connectors.live_gateway import serve_app

STAFF = "staff-token-abcdef123456"


@pytest.fixture
def gateway_url(tmp_path):
    with serve_fake_rasa(FakeRasa(token="rasa-token-abcdef")) as fake:
        settings = GatewaySettings(
            rasa_url=fake.url, data_dir=tmp_path, staff_token=STAFF, rasa_token="rasa-token-abcdef"
        )
        with serve_app(create_app(settings, channels=[])) as url:
            yield url, fake


def scripted(*lines: str):
    queue = list(lines)

    def read(_: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return read


def test_the_shell_chats_through_the_gateway_with_the_debug_view(gateway_url):
    url, fake = gateway_url
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False, color_system=None)
    chat = GatewayChat(url, staff_token=STAFF)
    code = run_shell(chat, debug=True, read=scripted("làm khai sinh", "1"), console=console)
    printed = out.getvalue()
    assert code == 0
    assert "echo: làm khai sinh" in printed
    assert "intent ask_procedure (0.97)" in printed and "action_answer_question" in printed
    assert "1.001193 7.500" in printed
    assert fake.received[0]["sender"] == f"shell:{chat.sender}"
    assert fake.received[1]["message"].startswith("/ask_aspect"), "typing 1 pressed the first button"


def test_a_wrong_staff_token_stops_the_debug_shell_with_a_clear_message(gateway_url):
    url, _ = gateway_url
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False, color_system=None)
    chat = GatewayChat(url, staff_token="wrong-wrong-wrong")
    code = run_shell(chat, debug=True, read=scripted("hi"), console=console)
    assert code == 1
    assert "staff token" in out.getvalue()


def test_without_debug_no_token_is_needed(gateway_url):
    url, _ = gateway_url
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False, color_system=None)
    assert run_shell(GatewayChat(url), read=scripted("xin chào"), console=console) == 0
    assert "echo: xin chào" in out.getvalue()
