"""The whole dialogue stack for real: `motcua up` trains the Rasa model if needed and starts the Rasa server and the
action server on 127.0.0.1; conversations go through Rasa's REST channel; `rasa test` runs the test stories against
the running action server; Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import re
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
    messages = chat.say("thủ tục hộ kinh doanh")  # vague: which of the hộ kinh doanh procedures?
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


# -- form pre-fill (issue 6): the real action server, identity demo data, documents served by the gateway -----------

HUNG, TUAN, HANH, TRANG = "022094017326", "022096015830", "022158003719", "022198012064"
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


class FormChat:
    """A citizen filling in a form, counting their turns."""

    def __init__(self, chat: Conversation) -> None:
        self.chat = chat
        self.turns = 0
        self.last: list[dict] = []

    def say(self, text: str) -> str:
        self.turns += 1
        self.last = self.chat.say(text)
        return texts(self.last)

    def verify(self, id_number: str) -> str:
        shown = self.say(id_number)
        code = _CODE.search(shown)
        assert code, f"no demo code in: {shown}"
        asked = self.say(code.group(1))
        assert "/affirm" in payloads(self.last), asked  # the consent question, with its buttons
        return self.say("/affirm")

    def links(self) -> dict[str, str]:
        return {b["title"]: b["url"] for m in self.last for b in m.get("buttons") or [] if b.get("url")}


def download(url: str) -> requests.Response:
    response = requests.get(url, timeout=30)
    assert response.status_code == 200, url
    assert response.headers["cache-control"] == "no-store"
    return response


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_a_birth_form_with_complete_records_takes_five_turns_and_delivers_pdf_and_json(chat):
    form = FormChat(chat)
    asked = form.say("cho tôi điền tờ khai khai sinh cho con")
    assert "số định danh" in asked
    prefilled = form.verify(HUNG)
    assert "điền sẵn" in prefilled and "Nguyễn Minh An" in prefilled and HUNG not in prefilled
    assert "0220******26" in prefilled  # the summary masks ID numbers
    ready = form.say("/affirm")
    assert form.turns <= 6, form.turns
    links = form.links()
    pdf_url = next(url for title, url in links.items() if "PDF" in title)
    json_url = next(url for title, url in links.items() if "JSON" in title)
    assert "hết hạn" in ready
    pdf = download(pdf_url)
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for value in ("Nguyễn Minh An", "Trần Thị Mai Anh", "Nguyễn Văn Hùng", "24/11/2026"):
        assert value in text
    document = download(json_url).json()
    assert document["form"] == "khai_sinh" and document["procedure_code"] == KHAI_SINH
    assert document["fields"]["ks_ho_ten"] == "Nguyễn Minh An"
    assert "giấy tờ" in ready.lower() or "hồ sơ" in ready.lower()  # the procedure's requirements come with it


def test_partial_prefill_asks_only_the_missing_fields_with_re_asks_and_a_correction(chat):
    form = FormChat(chat)
    form.say("điền giúp tôi tờ khai đăng ký kết hôn")
    first = form.verify(TUAN)
    assert "còn 7 mục" in first and "bên nữ" in first.lower()
    assert "không tồn tại" in form.say("Lê Thị Thu Trang") + form.say("31/02/1998")  # name taken, date re-asked
    form.say("17/10/1998")
    form.say("Kinh")
    form.say("Việt Nam")
    form.say("số 9 phố Tuệ Tĩnh, phường Uông Bí, tỉnh Quảng Ninh")
    assert "12 chữ số" in form.say("0221980120")  # too short: re-asked
    form.say(TRANG)
    summary = form.say("1")
    assert "kiểm tra" in summary and "Lê Thị Thu Trang" in summary
    corrected = form.say("sửa ngày sinh bên nữ thành 18/10/1998")
    assert "18/10/1998" in corrected  # the summary again, with the new value
    form.say("/affirm")
    print(f"\nturns: ket_hon partial pre-fill = {form.turns}")
    json_url = next(url for title, url in form.links().items() if "JSON" in title)
    fields = download(json_url).json()["fields"]
    assert fields["nu_ngay_sinh"] == "18/10/1998" and fields["nam_ho_ten"] == "Phạm Quốc Tuấn"


def test_a_correction_without_a_value_re_asks_that_field(chat):
    form = FormChat(chat)
    form.say("điền tờ khai xác nhận tình trạng hôn nhân")
    form.verify(TRANG)
    assert "để đăng ký kết hôn" in form.say("để đăng ký kết hôn").lower()
    asked = form.say("sửa mục đích")
    assert "mục đích" in asked.lower()
    assert "vay vốn" in form.say("để bổ sung hồ sơ vay vốn")
    form.say("đúng rồi")
    assert any("PDF" in title for title in form.links())


def test_stopping_midway_refusing_consent_and_bad_id_numbers(chat, settings):
    form = FormChat(chat)
    form.say("điền tờ khai khai tử")
    assert "12 chữ số" in form.say("12345")
    assert "CMND" in form.say("123456789")
    form.say(HANH)
    stopped = form.say("thôi không điền nữa")
    assert "Đã dừng" in stopped and chat.slot("form_values") is None

    other = FormChat(Conversation(settings))
    other.say("điền tờ khai khai tử")
    shown = other.say(HANH)
    other.say(_CODE.search(shown).group(1))
    refused = other.say("/deny")
    assert "không dùng dữ liệu" in refused and other.chat.slot("form_values") is None
    assert any('"prefill":"none"' in p for p in payloads(other.last))


def test_the_birth_form_in_the_web_widget_ends_with_a_working_download_link(up, settings, browser, expect):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 780}, locale="vi-VN")  # a phone
    page = context.new_page()
    try:
        page.goto(f"{settings.gateway_url}/demo")
        page.get_by_role("button", name=VI["open"]).click()
        box = page.locator(".mcw-input")
        box.fill("điền giúp tôi tờ khai khai sinh cho con")
        box.press("Enter")
        expect(page.locator(".mcw-bot .mcw-bubble", has_text="số định danh").last).to_be_visible(timeout=90_000)
        box.fill(HUNG)
        box.press("Enter")
        shown = page.locator(".mcw-bot .mcw-bubble", has_text="mã xác thực").first
        expect(shown).to_be_visible(timeout=90_000)
        box.fill(_CODE.search(shown.inner_text()).group(1))
        box.press("Enter")
        page.get_by_role("button", name="Đồng ý", exact=True).last.click(timeout=90_000)  # not "Không đồng ý"
        page.get_by_role("button", name="Đúng, tạo tờ khai", exact=True).last.click(timeout=90_000)
        link = page.locator(".mcw-bot a.mcw-quick-link", has_text="PDF").last
        expect(link).to_be_visible(timeout=90_000)
        pdf = download(link.get_attribute("href"))
        assert "Nguyễn Minh An" in pdf_text(pdf.content)
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "widget-form.png"))
    finally:
        context.close()


def test_personal_data_from_forms_never_reaches_the_logs(up, settings):
    logs = [p for p in Path(settings.run_dir).rglob("*") if p.is_file() and p.suffix in (".log", ".jsonl", ".txt")]
    assert logs
    for path in logs:
        content = path.read_text(errors="replace")
        for secret in (HUNG, TUAN, TRANG, HANH, "Nguyễn Minh An", "Trần Thị Mai Anh", "Lê Thị Thu Trang"):
            assert secret not in content, f"{secret[:4]}… in {path.name}"


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
