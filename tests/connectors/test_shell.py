"""The staff shell against a fake Rasa server over real HTTP on 127.0.0.1 (no Rasa needed)."""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from rich.console import Console

from connectors.shell import MAX_MESSAGE_CHARS, RasaChat, ShellError, run_shell, turn_debug

TOKEN = "s3cret-token"

BUTTONS_REPLY = [
    {
        "text": "Bạn muốn hỏi thủ tục nào?",
        "buttons": [
            {"title": "Cấp lại thẻ căn cước", "payload": '/choose_procedure{"code":"1.001"}'},
            {"title": "Cấp đổi thẻ căn cước", "payload": '/choose_procedure{"code":"2.002"}'},
        ],
    }
]
ANSWER_REPLY = [{"text": "Hồ sơ gồm: tờ khai và thẻ căn cước cũ."}]

TRACKER = {
    "sender_id": "ignored",
    "latest_message": {"text": "cần giấy tờ gì", "intent": {"name": "ask_documents", "confidence": 0.934}},
    "events": [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "xin chào"},
        {"event": "action", "name": "utter_greet"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "cần giấy tờ gì"},
        {"event": "action", "name": "action_extract_slots"},
        {"event": "slot", "name": "retrieval_debug"},
        {"event": "action", "name": "action_answer_question"},
        {"event": "bot", "text": "Hồ sơ gồm ..."},
        {"event": "action", "name": "action_listen"},
    ],
    "slots": {
        "retrieval_debug": {
            "procedures": [{"code": "1.001193", "score": 7.1}],
            "aspect": "documents",
            "oos": False,
            "in_scope_probability": 0.99,
        }
    },
}


class FakeRasa:
    """Records what the shell sent; answers with scripted replies (one list of messages per POST)."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []
        self.tracker_requests: list[dict[str, Any]] = []
        self.replies: list[list[dict[str, Any]]] = []
        self.default_reply: list[dict[str, Any]] = ANSWER_REPLY
        self.webhook_status = 200
        self.tracker: dict[str, Any] = TRACKER
        self.token = TOKEN
        self.url = ""

    def next_reply(self) -> list[dict[str, Any]]:
        return self.replies.pop(0) if self.replies else self.default_reply


def _handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
            pass

        def _reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/webhooks/rest/webhook":
                self._reply(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            fake.posted.append(json.loads(self.rfile.read(length)))
            if fake.webhook_status != 200:
                self._reply(fake.webhook_status, {"error": "boom"})
                return
            self._reply(200, fake.next_reply())

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            segments = parts.path.strip("/").split("/")
            if len(segments) != 3 or segments[0] != "conversations" or segments[2] != "tracker":
                self._reply(404, {"error": "not found"})
                return
            token = parse_qs(parts.query).get("token", [""])[0]
            fake.tracker_requests.append({"sender": unquote(segments[1]), "token": token})
            if token != fake.token:
                self._reply(401, {"status": "failure", "reason": "NotAuthenticated"})
                return
            self._reply(200, fake.tracker)

    return Handler


@pytest.fixture
def fake_rasa() -> Iterator[FakeRasa]:
    fake = FakeRasa()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def scripted(*lines: str, end: type[BaseException] = EOFError) -> Callable[[str], str]:
    """A `read` callable that returns the lines in order, then raises ``end``."""
    pending = list(lines)

    def read(prompt: str) -> str:
        if not pending:
            raise end
        return pending.pop(0)

    return read


def make_console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=200, highlight=False, color_system=None), buf


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the chat loop -------------------------------------------------------------------------------


def test_prints_text_and_numbered_buttons_and_a_number_presses_the_button(fake_rasa):
    fake_rasa.replies = [BUTTONS_REPLY, ANSWER_REPLY]
    console, buf = make_console()
    chat = RasaChat(fake_rasa.url, timeout=5)

    code = run_shell(chat, read=scripted("căn cước", "2"), console=console)

    out = buf.getvalue()
    assert code == 0
    assert "Bạn muốn hỏi thủ tục nào?" in out
    assert "[1] Cấp lại thẻ căn cước" in out
    assert "[2] Cấp đổi thẻ căn cước" in out
    assert "Hồ sơ gồm: tờ khai và thẻ căn cước cũ." in out
    assert [body["message"] for body in fake_rasa.posted] == ["căn cước", '/choose_procedure{"code":"2.002"}']


def test_number_outside_the_buttons_is_sent_as_typed(fake_rasa):
    fake_rasa.replies = [BUTTONS_REPLY, ANSWER_REPLY]
    console, _ = make_console()

    run_shell(RasaChat(fake_rasa.url, timeout=5), read=scripted("căn cước", "5"), console=console)

    assert [body["message"] for body in fake_rasa.posted] == ["căn cước", "5"]


def test_buttons_only_last_for_the_turn_that_offered_them(fake_rasa):
    fake_rasa.replies = [BUTTONS_REPLY, ANSWER_REPLY, ANSWER_REPLY]
    console, _ = make_console()

    run_shell(RasaChat(fake_rasa.url, timeout=5), read=scripted("căn cước", "1", "1"), console=console)

    assert [body["message"] for body in fake_rasa.posted] == ["căn cước", '/choose_procedure{"code":"1.001"}', "1"]


def test_input_is_stripped_before_sending(fake_rasa):
    console, _ = make_console()

    run_shell(RasaChat(fake_rasa.url, timeout=5), read=scripted("   lệ phí bao nhiêu  "), console=console)

    assert [body["message"] for body in fake_rasa.posted] == ["lệ phí bao nhiêu"]


def test_empty_lines_send_nothing_and_eof_exits_zero(fake_rasa):
    console, _ = make_console()

    code = run_shell(RasaChat(fake_rasa.url, timeout=5), read=scripted("", "   ", "\t"), console=console)

    assert code == 0
    assert fake_rasa.posted == []


def test_ctrl_c_exits_zero(fake_rasa):
    console, _ = make_console()

    code = run_shell(
        RasaChat(fake_rasa.url, timeout=5), read=scripted("xin chào", end=KeyboardInterrupt), console=console
    )

    assert code == 0
    assert [body["message"] for body in fake_rasa.posted] == ["xin chào"]


def test_empty_reply_list_prints_a_notice(fake_rasa):
    fake_rasa.replies = [[]]
    console, buf = make_console()

    code = run_shell(RasaChat(fake_rasa.url, timeout=5), read=scripted("alo"), console=console)

    assert code == 0
    assert "(no reply" in buf.getvalue()


def test_normal_reply_prints_no_empty_reply_notice(fake_rasa):
    console, buf = make_console()

    run_shell(RasaChat(fake_rasa.url, timeout=5), read=scripted("alo"), console=console)

    assert "(no reply" not in buf.getvalue()


# --- --debug -------------------------------------------------------------------------------------


def test_debug_shows_intent_actions_and_retrieved_codes(fake_rasa):
    console, buf = make_console()
    chat = RasaChat(fake_rasa.url, token=TOKEN, timeout=5)

    code = run_shell(chat, debug=True, read=scripted("cần giấy tờ gì"), console=console)

    out = buf.getvalue()
    assert code == 0
    assert "ask_documents" in out
    assert "0.93" in out
    assert "action_answer_question" in out
    assert "action_listen" not in out
    assert "action_extract_slots" not in out
    assert "1.001193" in out
    assert "7.100" in out
    assert "aspect documents" in out
    assert "p_in 0.99" in out
    assert fake_rasa.tracker_requests == [{"sender": chat.sender, "token": TOKEN}]


def test_without_debug_the_tracker_is_not_read(fake_rasa):
    console, buf = make_console()

    run_shell(RasaChat(fake_rasa.url, token=TOKEN, timeout=5), read=scripted("cần giấy tờ gì"), console=console)

    assert fake_rasa.tracker_requests == []
    assert "ask_documents" not in buf.getvalue()


# --- the REST client -----------------------------------------------------------------------------


def test_sender_is_a_shell_id_kept_for_the_whole_conversation(fake_rasa):
    chat = RasaChat(fake_rasa.url, timeout=5)
    chat.send("xin chào")
    chat.send("làm hộ chiếu")
    other = RasaChat(fake_rasa.url, timeout=5)
    other.send("xin chào")

    senders = [body["sender"] for body in fake_rasa.posted]
    assert chat.sender.startswith("shell:")
    assert senders[0] == senders[1] == chat.sender
    assert senders[2] == other.sender != chat.sender


def test_send_parses_text_and_buttons(fake_rasa):
    fake_rasa.replies = [BUTTONS_REPLY]

    messages = RasaChat(fake_rasa.url, timeout=5).send("căn cước")

    assert len(messages) == 1
    assert messages[0].text == "Bạn muốn hỏi thủ tục nào?"
    assert [b["payload"] for b in messages[0].buttons] == [
        '/choose_procedure{"code":"1.001"}',
        '/choose_procedure{"code":"2.002"}',
    ]


def test_long_messages_are_cut_to_the_limit(fake_rasa):
    text = "đăng ký khai sinh " * (MAX_MESSAGE_CHARS // 10)
    assert len(text) > MAX_MESSAGE_CHARS

    RasaChat(fake_rasa.url, timeout=5).send(text)

    sent = fake_rasa.posted[0]["message"]
    assert len(sent) == MAX_MESSAGE_CHARS
    assert sent == text[:MAX_MESSAGE_CHARS]


def test_server_down_exits_one_and_points_to_run_sh(capsys):
    console, buf = make_console()
    chat = RasaChat(f"http://127.0.0.1:{_free_port()}", timeout=2)

    code = run_shell(chat, read=scripted("xin chào"), console=console)

    out = buf.getvalue()
    captured = capsys.readouterr()
    assert code == 1
    assert "scripts/run.sh" in out
    assert "Traceback" not in out + captured.out + captured.err


def test_server_down_raises_shell_error_from_send():
    with pytest.raises(ShellError, match="cannot reach"):
        RasaChat(f"http://127.0.0.1:{_free_port()}", timeout=2).send("xin chào")


def test_http_500_is_a_shell_error(fake_rasa):
    fake_rasa.webhook_status = 500

    with pytest.raises(ShellError, match="500"):
        RasaChat(fake_rasa.url, timeout=5).send("xin chào")


def test_http_500_makes_the_shell_exit_one(fake_rasa):
    fake_rasa.webhook_status = 500
    console, buf = make_console()

    code = run_shell(RasaChat(fake_rasa.url, timeout=5), read=scripted("xin chào", "còn gì nữa"), console=console)

    assert code == 1
    assert len(fake_rasa.posted) == 1  # stopped at the first failing turn
    assert "500" in buf.getvalue()


def test_wrong_token_makes_last_turn_fail(fake_rasa):
    chat = RasaChat(fake_rasa.url, token="not-the-token", timeout=5)
    chat.send("xin chào")

    with pytest.raises(ShellError, match="401"):
        chat.last_turn()
    assert fake_rasa.tracker_requests[-1]["token"] == "not-the-token"


def test_right_token_reads_the_tracker(fake_rasa):
    chat = RasaChat(fake_rasa.url, token=TOKEN, timeout=5)
    chat.send("cần giấy tờ gì")

    debug = chat.last_turn()

    assert debug.intent == "ask_documents"
    assert debug.confidence == pytest.approx(0.934)
    assert debug.actions == ["action_answer_question"]
    assert debug.retrieval is not None
    assert debug.retrieval["procedures"] == [{"code": "1.001193", "score": 7.1}]


# --- turn_debug on a tracker dict ----------------------------------------------------------------


def test_turn_debug_lists_only_actions_after_the_last_user_event():
    debug = turn_debug(TRACKER)

    assert debug.actions == ["action_answer_question"]  # not utter_greet from the earlier turn
    assert debug.intent == "ask_documents"
    assert debug.confidence == pytest.approx(0.934)
    assert debug.retrieval == TRACKER["slots"]["retrieval_debug"]


def test_turn_debug_keeps_the_order_of_several_actions():
    tracker = {
        "events": [
            {"event": "user", "text": "hi"},
            {"event": "action", "name": "action_extract_slots"},
            {"event": "action", "name": "action_detect_language"},
            {"event": "action", "name": "utter_greet"},
            {"event": "action", "name": "action_listen"},
        ]
    }

    assert turn_debug(tracker).actions == ["action_detect_language", "utter_greet"]


def test_turn_debug_of_an_empty_tracker():
    debug = turn_debug({})

    assert debug.intent == ""
    assert debug.confidence == 0.0
    assert debug.actions == []
    assert debug.retrieval is None


def test_turn_debug_ignores_a_retrieval_slot_that_is_not_a_dict():
    assert turn_debug({"slots": {"retrieval_debug": "oops"}}).retrieval is None
