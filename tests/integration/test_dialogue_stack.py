"""The whole dialogue stack for real: `motcua up` trains the Rasa model if needed and starts the Rasa server and the
action server on 127.0.0.1; conversations go through Rasa's REST channel; `rasa test` runs the test stories against
the running action server; Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
import pytest
import requests

from motcua import stack
from tests.integration.test_widget_browser import VI, browser, expect  # noqa: F401 - browser fixtures

pytestmark = pytest.mark.integration

KHAI_SINH, THUONG_TRU, KET_HON, KHAI_TU = "1.001193", "1.004222", "1.000894", "1.000656"
STARTUP_TIMEOUT = 1500.0  # a fresh clone trains the model first (a few minutes on this kind of machine)


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> stack.StackSettings:
    run_dir = tmp_path_factory.mktemp("stack-run")
    offset = int(os.environ.get("MOTCUA_TEST_PORT_OFFSET", "0"))  # to run beside another test run
    return stack.StackSettings(
        rasa_port=15005 + offset,
        actions_port=15055 + offset,
        gateway_port=18000 + offset,
        run_dir=run_dir,
        rasa_token=uuid.uuid4().hex,
        staff_token=uuid.uuid4().hex,
    )


@pytest.fixture(scope="module")
def up(settings, tmp_path_factory):
    """`motcua up`, exactly as the README's run command starts it, on test ports."""
    log = tmp_path_factory.mktemp("stack-log") / "up.log"
    env = dict(os.environ)
    env.update(
        MOTCUA_RASA_PORT=str(settings.rasa_port),
        MOTCUA_ACTIONS_PORT=str(settings.actions_port),
        MOTCUA_RUN_DIR=str(settings.run_dir),
        MOTCUA_RASA_TOKEN=settings.rasa_token,
        MOTCUA_GATEWAY_PORT=str(settings.gateway_port),
        MOTCUA_STAFF_TOKEN=settings.staff_token,
    )
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "motcua", "up"], cwd=stack.REPO, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while "is ready" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"motcua up did not get ready:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(2)
    yield proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)


class Conversation:
    def __init__(self, settings: stack.StackSettings) -> None:
        self.settings = settings
        self.sender = f"test:{uuid.uuid4().hex[:10]}"

    def say(self, text: str) -> list[dict]:
        response = requests.post(
            f"{self.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text},
            timeout=60,
        )
        assert response.status_code == 200
        return response.json()

    def tracker(self) -> dict:
        response = requests.get(
            f"{self.settings.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": self.settings.rasa_token},
            timeout=30,
        )
        assert response.status_code == 200
        return response.json()

    def slot(self, name: str):
        return self.tracker()["slots"].get(name)


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


@pytest.fixture
def chat(up, settings) -> Conversation:
    return Conversation(settings)


def test_rasa_data_validates():
    stack.validate_data()


def test_every_process_listens_on_loopback_only(up, settings):
    listening = [
        conn.laddr
        for proc in [psutil.Process(up.pid), *psutil.Process(up.pid).children(recursive=True)]
        for conn in proc.net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    ]
    assert {addr.port for addr in listening} >= {settings.rasa_port, settings.actions_port, settings.gateway_port}
    assert {addr.ip for addr in listening} == {"127.0.0.1"}


def test_greeting_offers_a_short_menu(chat):
    messages = chat.say("xin chào")
    assert "trợ lý ảo" in texts(messages)
    assert len(payloads(messages)) >= 3


def test_a_question_its_follow_ups_and_a_related_procedure(chat):
    messages = chat.say("vợ em mới sinh bé, làm giấy khai sinh cần mang gì ạ")
    assert KHAI_SINH in texts(messages)
    assert any(p.startswith('/ask_aspect{"aspect":"fee"') for p in payloads(messages))
    assert f'/choose_procedure{{"code":"{THUONG_TRU}"}}' in payloads(messages), "related: thường trú for the baby"
    assert chat.slot("procedure_code") == KHAI_SINH

    messages = chat.say("còn lệ phí thì sao?")
    assert KHAI_SINH in texts(messages) and "Lệ phí" in texts(messages)
    messages = chat.say("nop o dau")
    assert KHAI_SINH in texts(messages) and "Nơi nộp" in texts(messages)

    messages = chat.say(f'/choose_procedure{{"code":"{THUONG_TRU}"}}')
    assert THUONG_TRU in texts(messages)
    messages = chat.say("thế còn khai tử thì sao")
    assert KHAI_TU in texts(messages)
    assert chat.slot("procedure_code") == KHAI_TU


def test_without_tone_marks_and_in_chat_shorthand(chat):
    assert KET_HON in texts(chat.say("e muốn đk kết hôn cần j ạ"))
    assert chat.slot("procedure_code") == KET_HON
    messages = chat.say("lam lai can cuoc bi mat o dau")
    assert "căn cước" in texts(messages).lower()


def test_choosing_among_close_candidates_by_typing(chat):
    messages = chat.say("hỏi về đăng ký hộ kinh doanh")
    candidates = chat.slot("candidates")
    assert candidates and len(candidates) >= 2, texts(messages)
    assert f'/choose_procedure{{"code":"{candidates[1]}"}}' in payloads(messages), "each alternative has a button"
    messages = chat.say("chọn số 2")
    assert candidates[1] in texts(messages)
    assert chat.slot("procedure_code") == candidates[1]


def test_english(chat):
    assert "English" in texts(chat.say("can you speak english please"))
    messages = chat.say("what do I need to register a marriage")
    assert f"code {KET_HON}" in texts(messages)
    assert "Fee" in texts(chat.say("and what about the fee?"))
    assert "virtual assistant" in texts(chat.say("am I talking to a real person"))


def test_out_of_scope_small_talk_and_who_it_is(chat):
    assert "ngoài phạm vi" in texts(chat.say("kết quả xổ số miền bắc hôm nay"))
    assert texts(chat.say("kể chuyện cười đi"))
    assert "không phải người" in texts(chat.say("bạn là người hay là máy vậy"))


def test_lost_twice_then_a_person(chat):
    chat.say("qwrtpl zxvbn")
    messages = chat.say("kkjjhh ppoouu mmnn")
    assert "/request_human" in payloads(messages)
    assert "1022" in texts(chat.say("/request_human"))


def test_thanks_goodbye_and_starting_over(chat):
    chat.say("đăng ký khai sinh")
    assert "Không có gì" in texts(chat.say("cảm ơn em nhé"))
    chat.say("bắt đầu lại từ đầu đi")
    assert chat.slot("procedure_code") is None
    assert texts(chat.say("tạm biệt"))


@pytest.mark.parametrize(
    "text",
    [
        '/ask_aspect{"aspect":"fee","code":"9.999999"}',
        "/choose_procedure{not json",
        '<script>alert("x")</script> làm khai sinh',
        "'; DROP TABLE dossiers; --",
        "😀😀😀",
        "khai sinh " * 1200,
    ],
)
def test_bad_input_gets_a_reply_and_nothing_breaks(chat, up, text):
    messages = chat.say(text)
    assert messages and all(m.get("text") for m in messages)
    assert "<script>" not in texts(messages)
    assert up.poll() is None


@pytest.fixture(scope="module")
def demo_dossiers(up):
    """The embedded demo dossiers the action server seeded (same SQLite file, same MOTCUA_CACHE_DIR)."""
    from backends.dossiers.seed import ensure_demo_backend, seed_demo

    return {d.status.value: d for d in seed_demo(ensure_demo_backend())}


def test_dossier_lookup_asks_for_the_code_then_the_verification(chat, demo_dossiers):
    d = demo_dossiers["supplement_requested"]
    assert "mã hồ sơ" in texts(chat.say("tra cứu hồ sơ giúp tôi"))
    typed = d.code.lower().replace("-", " ")  # lower case, spaces instead of dashes
    assert "4 số cuối" in texts(chat.say(typed))
    answer = texts(chat.say(d.verification))
    assert d.code in answer and "Yêu cầu bổ sung giấy tờ" in answer and "trước ngày" in answer


def test_the_code_in_the_first_message_and_following_the_dossier(chat, demo_dossiers):
    d = demo_dossiers["processing"]
    assert "4 số cuối" in texts(chat.say(f"hồ sơ {d.code} của tôi đến đâu rồi"))
    messages = chat.say(f"{d.verification[:2]} {d.verification[2:]}")
    assert "Đang xử lý" in texts(messages) and "/subscribe_dossier" in payloads(messages)
    assert d.code in texts(chat.say("/subscribe_dossier"))
    assert chat.slot("dossier_verification") is None, "the verification answer is not kept"


def test_an_unknown_code_and_a_wrong_verification_look_the_same(chat, demo_dossiers, settings):
    d = demo_dossiers["received"]
    wrong = "0000" if d.verification != "0000" else "1111"
    chat.say(f"tra cứu hồ sơ {d.code}")
    refused_wrong = texts(chat.say(wrong))
    other = Conversation(settings)
    other.say("tra cứu hồ sơ 000.00.12.H49-991231-9999")
    refused_unknown = texts(other.say(d.verification))
    assert refused_wrong == refused_unknown and "không tìm thấy" in refused_wrong
    assert d.code not in refused_wrong


@pytest.mark.parametrize("bad", ["abc-123", "'; DROP TABLE dossiers; --", "<b>000</b>", "000.00.04.H51-200221-0001"])
def test_bad_dossier_codes_are_re_asked_and_the_citizen_can_leave(chat, bad):
    chat.say("kiểm tra hồ sơ")
    reply = texts(chat.say(bad))
    assert ("chưa đúng dạng" in reply) or ("tỉnh khác" in reply)
    assert "<b>" not in reply
    assert "Vâng" in texts(chat.say("thôi không cần nữa"))


def test_the_gateway_chat_api_reaches_the_assistant(up, settings):
    response = requests.post(
        f"{settings.gateway_url}/api/chat",
        json={"sender_id": f"it-{uuid.uuid4().hex[:8]}", "message": "làm giấy khai sinh cần gì"},
        timeout=60,
    )
    assert response.status_code == 200
    assert KHAI_SINH in texts(response.json()["messages"])
    assert requests.get(f"{settings.gateway_url}/health", timeout=10).json() == {"status": "ok", "rasa": True}


def test_the_staff_shell_shows_intents_actions_and_codes(up, settings):
    env = dict(os.environ, MOTCUA_STAFF_TOKEN=settings.staff_token)
    completed = subprocess.run(
        [sys.executable, "-m", "motcua", "shell", "--debug", "--url", settings.gateway_url],
        input="đăng ký khai sinh cần giấy tờ gì\n1\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "intent ask_procedure" in completed.stdout
    assert "action_answer_question" in completed.stdout
    assert KHAI_SINH in completed.stdout
    assert "intent ask_aspect" in completed.stdout, "typing 1 pressed the first button"
    assert "Traceback" not in completed.stderr


def test_the_web_widget_on_the_real_stack(up, settings, browser, expect, tmp_path):  # noqa: F811 - fixtures
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{settings.gateway_url}/demo")
        page.get_by_role("button", name=VI["open"]).click()
        box = page.locator(".mcw-input")
        box.fill("vợ em mới sinh, làm giấy khai sinh cần giấy tờ gì")
        box.press("Enter")
        expect(page.locator(".mcw-bot .mcw-bubble", has_text=KHAI_SINH).first).to_be_visible(timeout=90_000)
        page.locator(".mcw-bot .mcw-quick", has_text="Lệ phí").last.click()
        expect(page.locator(".mcw-bot .mcw-bubble", has_text="Lệ phí:").first).to_be_visible(timeout=90_000)
        shot = tmp_path / "widget-real-stack.png"
        page.screenshot(path=str(shot))
        shutil.copy(shot, Path(tempfile.gettempdir()) / "widget-real-stack.png")
    finally:
        context.close()


def test_rasa_test_passes_on_the_conversation_stories(up, settings, tmp_path):
    stack.test_conversations(settings, stack.model_path(settings), tmp_path / "core")
    assert (tmp_path / "core" / "story_report.json").exists()


def test_rasa_test_fails_on_a_wrong_story(up, settings, tmp_path):
    story = tmp_path / "wrong.yml"
    story.write_text(
        'version: "3.1"\nstories:\n  - story: greeting answered with goodbye\n    steps:\n'
        "      - user: |\n          xin chào\n        intent: greet\n      - action: utter_goodbye\n"
    )
    with pytest.raises(stack.StackError):
        stack.test_conversations(settings, stack.model_path(settings), tmp_path / "core", stories=story)


def test_ctrl_c_stops_everything_it_started(up, settings):
    children = psutil.Process(up.pid).children(recursive=True)
    assert children
    up.send_signal(signal.SIGINT)
    assert up.wait(timeout=60) == 0
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive
    for port in (settings.rasa_port, settings.actions_port, settings.gateway_port):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
