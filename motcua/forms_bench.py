"""Turns a citizen needs to finish each form, through the real stack (Rasa REST channel → Rasa → action server).

Each scenario is one demo citizen filling in one form: the request, the ID number, the one-time code (the demo shows
it in the chat), consent, an answer to every question the assistant asks, and the confirmation. The answers are
picked by the field the assistant asked (the ``form_field`` slot, read from Rasa's tracker API). "full" means the
records hold everything the form needs; "partial" means some of it must be typed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import requests

from backends.identity import seed

MAX_TURNS = 40
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")

# A valid answer for every field a scenario may be asked (keyed by field key).
ANSWERS: dict[str, str] = {
    "ks_ho_ten": "Nguyễn Thị Bảo Ngọc",
    "ks_ngay_sinh": "20/11/2026",
    "ks_noi_sinh": "Bệnh viện Đa khoa tỉnh Quảng Ninh",
    "ks_gioi_tinh": "Nữ",
    "ks_dan_toc": "Kinh",
    "ks_quoc_tich": "Việt Nam",
    "ks_que_quan": "xã Tiên Yên, tỉnh Quảng Ninh",
    "me_ho_ten": "Hoàng Thị Lan",
    "me_nam_sinh": "1990",
    "me_dan_toc": "Kinh",
    "me_quoc_tich": "Việt Nam",
    "me_noi_cu_tru": "phường Hạ Long, tỉnh Quảng Ninh",
    "nyc_quan_he": "Mẹ",
    "nu_ho_ten": "Lê Thị Thu Trang",
    "nu_ngay_sinh": "17/10/1998",
    "nu_dan_toc": "Kinh",
    "nu_quoc_tich": "Việt Nam",
    "nu_noi_cu_tru": "Số 9 phố Tuệ Tĩnh, phường Uông Bí, tỉnh Quảng Ninh",
    "nu_giay_to": seed.TRANG,
    "nu_lan_ket_hon": "1",
    "kt_thoi_gian_chet": "14:30 25/11/2026",
    "kt_noi_chet": "Bệnh viện Bãi Cháy, phường Bãi Cháy, tỉnh Quảng Ninh",
    "kt_nguyen_nhan": "Bệnh",
    "gbt_so": "215/GBT",
    "gbt_ngay_cap": "26/11/2026",
    "gbt_co_quan": "Bệnh viện Bãi Cháy",
    "quan_he_chu_ho": "Chủ hộ",
    "so_dien_thoai": "0912345678",
    "noi_dung_de_nghi": "Đăng ký thường trú",
    "xn_muc_dich": "Để đăng ký kết hôn",
    "xn_tinh_trang": "Chưa đăng ký kết hôn",
}


@dataclass(frozen=True)
class Scenario:
    form: str
    prefill: str  # "full" or "partial"
    id_number: str
    request: str


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("khai_sinh", "full", seed.HUNG, "cho tôi điền tờ khai khai sinh cho con"),
    Scenario("khai_sinh", "partial", seed.LAN, "điền tờ khai khai sinh cho bé"),
    Scenario("ket_hon", "partial", seed.TUAN, "điền giúp tôi tờ khai đăng ký kết hôn"),
    Scenario("khai_tu", "partial", seed.HANH, "điền tờ khai khai tử cho chồng tôi"),
    Scenario("ct01", "full", seed.LAN, "điền tờ khai CT01"),
    Scenario("ct01", "partial", seed.SANG, "điền tờ khai thay đổi thông tin cư trú"),
    Scenario("xac_nhan_hon_nhan", "full", seed.TRANG, "điền tờ khai xác nhận tình trạng hôn nhân"),
    Scenario("xac_nhan_hon_nhan", "partial", seed.SANG, "điền tờ khai xác nhận tình trạng hôn nhân"),
)


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    turns: int
    questions: int  # fields the citizen was asked
    finished: bool


class _Chat:
    def __init__(self, rasa_url: str, token: str) -> None:
        self.url, self.token = rasa_url.rstrip("/"), token
        self.sender = f"bench-forms:{uuid.uuid4().hex[:10]}"
        self.session = requests.Session()
        self.turns = 0

    def say(self, text: str) -> list[dict]:
        self.turns += 1
        response = self.session.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": self.sender, "message": text}, timeout=60
        )
        response.raise_for_status()
        return response.json()

    def slots(self) -> dict:
        response = self.session.get(
            f"{self.url}/conversations/{self.sender}/tracker", params={"token": self.token}, timeout=30
        )
        response.raise_for_status()
        return response.json().get("slots") or {}


def _text(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def _payloads(messages: list[dict]) -> set[str]:
    return {b.get("payload") or "" for m in messages for b in m.get("buttons") or []}


def play(rasa_url: str, token: str, scenario: Scenario) -> Outcome:
    """One citizen through one form; stops at the links (finished) or after ``MAX_TURNS``."""
    chat = _Chat(rasa_url, token)
    chat.say(scenario.request)
    shown = chat.say(scenario.id_number)
    code = _CODE.search(_text(shown))
    if code is None:
        return Outcome(scenario, chat.turns, 0, False)
    chat.say(code.group(1))
    reply = chat.say("/affirm")  # consent
    questions = 0
    while chat.turns < MAX_TURNS:
        if any(b.get("url") for m in reply for b in m.get("buttons") or []):
            return Outcome(scenario, chat.turns, questions, True)
        slots = chat.slots()
        if slots.get("requested_slot") == "form_confirmed":
            reply = chat.say("/affirm")
            continue
        field = slots.get("form_field")
        if slots.get("requested_slot") != "form_answer" or field not in ANSWERS:
            break
        questions += 1
        reply = chat.say(ANSWERS[field])
    return Outcome(scenario, chat.turns, questions, False)


def run_forms_benchmark(rasa_url: str, token: str) -> list[Outcome]:
    return [play(rasa_url, token, s) for s in SCENARIOS]


def report(outcomes: list[Outcome]) -> str:
    lines = [f"{'form':<18} {'pre-fill':<8} {'turns':>5} {'asked':>5}  finished"]
    for o in outcomes:
        s = o.scenario
        lines.append(f"{s.form:<18} {s.prefill:<8} {o.turns:>5} {o.questions:>5}  {'yes' if o.finished else 'NO'}")
    return "\n".join(lines)
