"""The form actions on tracker fixtures, against the real embedded backends (seeded SQLite identity data, one-time
codes, consent records and the document store in a temporary folder)."""

from __future__ import annotations

import asyncio
import io
import json
import re
from typing import Any

import pytest
from pypdf import PdfReader
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.form_prefill import plan_prefill
from actions.forms import (
    ActionAskFormAnswer,
    ActionStartForm,
    ActionSubmitForm,
    ValidateApplicationForm,
)
from backends.documents import DocumentStore
from backends.identity import seed
from backends.identity.consent import ConsentStore
from backends.identity.seed import ensure_demo_backend
from backends.identity.verification import OtpService

SENDER = "telegram:4242"


class Demo:
    def __init__(self, tmp_path) -> None:
        state = f"sqlite:///{tmp_path / 'state.sqlite3'}"
        self.identity = ensure_demo_backend(f"sqlite:///{tmp_path / 'identity.sqlite3'}")
        self.otp = OtpService(state)
        self.consents = ConsentStore(state)
        self.documents = DocumentStore(tmp_path / "documents")


@pytest.fixture
def demo(tmp_path):
    d = Demo(tmp_path)
    services.reset_form_services(d.identity, d.otp, d.consents, d.documents)
    yield d
    services.reset_form_services()


def tracker(
    text: str, slots: dict[str, Any] | None = None, intent: str = "inform", entities: list | None = None
) -> Tracker:
    values = {"language": "vi", **(slots or {})}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities or []}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(SENDER, values, latest, events, False, None, {"name": "application_form"}, "action_listen")


def texts(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(str(m.get("text") or m.get("response") or "") for m in dispatcher.messages)


def validate(
    method: str, value: Any, slots: dict[str, Any], intent: str = "inform"
) -> tuple[dict, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    form = ValidateApplicationForm()
    result = getattr(form, f"validate_{method}")(value, dispatcher, tracker(str(value), slots, intent), {})
    return result, dispatcher


def run(action, t: Tracker) -> tuple[CollectingDispatcher, dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def demo_code(dispatcher: CollectingDispatcher) -> str:
    for m in dispatcher.messages:
        if m.get("response") == "utter_form_otp_demo":
            return m["code"]
    raise AssertionError(f"no code sent: {dispatcher.messages}")


def test_an_id_number_of_the_records_sends_a_code_and_the_right_code_verifies(demo):
    slots = {"form_kind": "khai_sinh"}
    result, dispatcher = validate("citizen_id", f"cccd của tôi là {seed.HUNG}", slots)
    assert result == {"citizen_id": seed.HUNG}
    code = demo_code(dispatcher)
    assert re.fullmatch(r"\d{6}", code)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    result, dispatcher = validate("otp_code", wrong, {**slots, "citizen_id": seed.HUNG})
    assert result == {"otp_code": None} and dispatcher.messages[0]["response"] == "utter_form_otp_wrong"
    result, _ = validate("otp_code", code, {**slots, "citizen_id": seed.HUNG})
    assert result == {"otp_code": "ok", "verified_citizen": seed.HUNG}


def test_three_wrong_codes_lock_and_the_form_goes_on_without_data(demo):
    slots = {"form_kind": "khai_sinh", "citizen_id": seed.HUNG}
    _, dispatcher = validate("citizen_id", seed.HUNG, {"form_kind": "khai_sinh"})
    code = demo_code(dispatcher)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    validate("otp_code", wrong, slots)
    validate("otp_code", wrong, slots)
    result, dispatcher = validate("otp_code", wrong, slots)
    assert result["citizen_id"] == result["otp_code"] == result["consent"] == "-"
    assert dispatcher.messages[0]["response"] == "utter_form_otp_locked"
    result, _ = validate("otp_code", code, slots)  # even the right code is refused while locked
    assert result.get("otp_code") != "ok"


@pytest.mark.parametrize(
    ("typed", "hint"),
    [("12345", "12 chữ số"), ("123456789", "CMND"), ("<script>", "chữ số"), ("😀😀", "chữ số")],
)
def test_bad_id_numbers_are_re_asked_with_a_hint(demo, typed, hint):
    result, dispatcher = validate("citizen_id", typed, {"form_kind": "ket_hon"})
    assert result == {"citizen_id": None}
    assert hint in dispatcher.messages[0]["error"]


def test_an_unknown_id_number_fills_in_without_data(demo):
    result, dispatcher = validate("citizen_id", "001099000001", {"form_kind": "ket_hon"})
    assert result["citizen_id"] == "-" and dispatcher.messages[0]["response"] == "utter_form_no_identity"


def test_consent_prefills_and_is_recorded(demo):
    slots = {"form_kind": "khai_sinh", "citizen_id": seed.HUNG, "otp_code": "ok"}
    result, dispatcher = validate("consent", "/affirm", slots, intent="affirm")
    assert result["consent"] == "yes" and result["form_answer"] == "done"
    assert result["form_values"]["ks_ho_ten"] == "Nguyễn Minh An"
    assert demo.consents.granted(SENDER, seed.HUNG, "form:khai_sinh")
    assert dispatcher.messages[0]["response"] == "utter_form_prefilled"


def test_refusing_consent_ends_the_form_without_data(demo):
    slots = {"form_kind": "khai_sinh", "citizen_id": seed.HUNG, "otp_code": "ok"}
    result, dispatcher = validate("consent", "không đồng ý", slots, intent="deny")
    assert result["form_confirmed"] == "refused" and result["form_values"] is None
    assert not demo.consents.granted(SENDER, seed.HUNG, "form:khai_sinh")
    assert any("prefill" in b["payload"] for b in dispatcher.messages[0]["buttons"])


def test_each_answer_is_validated_and_the_next_missing_field_is_asked(demo):
    values = plan_prefill("ket_hon", demo.identity.get(seed.TUAN))
    slots = {"form_kind": "ket_hon", "form_values": values, "form_field": "nu_ngay_sinh"}
    result, dispatcher = validate("form_answer", "31/02/1998", slots)
    assert result == {"form_answer": None} and "không tồn tại" in dispatcher.messages[0]["text"]
    result, _ = validate("form_answer", "17-10-1998", slots)
    assert result["form_values"]["nu_ngay_sinh"] == "17/10/1998" and result["form_answer"] is None
    asked, events = run(ActionAskFormAnswer(), tracker("", {**slots, **result}))
    assert events == {"form_field": "nu_ho_ten"} and "bên nữ" in asked.messages[0]["text"]


def test_a_correction_with_a_value_changes_it_and_without_one_re_asks_it(demo):
    values = plan_prefill("xac_nhan_hon_nhan", demo.identity.get(seed.TRANG))
    values["xn_muc_dich"] = "Để đăng ký kết hôn"
    slots = {"form_kind": "xac_nhan_hon_nhan", "form_values": values, "form_answer": "done"}
    result, _ = validate("form_confirmed", "sửa mục đích thành để vay vốn", slots, intent="correct_field")
    assert result["form_values"]["xn_muc_dich"] == "để vay vốn" and result["form_answer"] == "done"
    result, dispatcher = validate("form_confirmed", "sửa ngày sinh", slots, intent="correct_field")
    assert result == {"form_answer": None, "form_confirmed": None}  # two dates of birth: the citizen picks one
    offered = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert any("xn_ngay_sinh" in p for p in offered) and any("nyc_ngay_sinh" in p for p in offered)
    result, _ = validate("form_confirmed", "sửa ngày sinh của người được xác nhận", slots, intent="correct_field")
    assert result["form_redo"] == "xn_ngay_sinh" and "xn_ngay_sinh" not in result["form_values"]
    result, dispatcher = validate("form_confirmed", "/deny", slots, intent="deny")
    assert result == {"form_confirmed": None} and dispatcher.messages[0]["buttons"]


def test_an_earlier_verification_and_consent_in_the_conversation_are_not_asked_again(demo):
    demo.consents.grant(SENDER, seed.TRANG, "form:xac_nhan_hon_nhan")
    start = tracker("điền tờ khai xác nhận tình trạng hôn nhân", {"verified_citizen": seed.TRANG}, "start_form")
    _, slots = run(ActionStartForm(), start)
    assert slots["form_kind"] == "xac_nhan_hon_nhan"
    assert slots["citizen_id"] == seed.TRANG and slots["otp_code"] == "ok" and slots["consent"] == "yes"
    assert slots["form_values"]["xn_ho_ten"] == "Lê Thị Thu Trang"


def test_submitting_makes_a_pdf_with_the_values_and_the_portal_json_behind_a_link(demo):
    values = plan_prefill(
        "khai_sinh", demo.identity.get(seed.HUNG), demo.identity.relatives(demo.identity.get(seed.HUNG))
    )
    values.update(
        ks_ho_ten="Nguyễn Bảo Ngọc", ks_ngay_sinh="20/11/2026", ks_noi_sinh="Bệnh viện Bãi Cháy", ks_gioi_tinh="Nữ"
    )
    slots = {"form_kind": "khai_sinh", "form_values": values, "form_confirmed": "yes"}
    services.set_assistant(None)
    dispatcher, cleared = run(ActionSubmitForm(), tracker("/affirm", slots, "affirm"))
    ready = next(m for m in dispatcher.messages if m.get("response") == "utter_form_ready")
    urls = [b["url"] for b in ready["buttons"]]
    token, names = urls[0].split("/files/")[1].split("/")[0], [u.rsplit("/", 1)[1] for u in urls]
    pdf = demo.documents.open(token, next(n for n in names if n.endswith(".pdf")))
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    for value in ("Nguyễn Bảo Ngọc", "20/11/2026", "Bệnh viện Bãi Cháy", "Trần Thị Mai Anh"):
        assert value in text
    portal = json.loads(demo.documents.open(token, next(n for n in names if n.endswith(".json"))).read_text())
    assert portal["fields"]["ks_gioi_tinh"] == "Nữ" and portal["procedure_code"] == "1.001193"
    assert cleared["form_values"] is None and cleared["form_kind"] is None


def test_saying_no_where_an_answer_is_expected_ends_the_form_and_keeps_nothing(demo):
    slots = {
        "form_kind": "khai_tu",
        "form_values": {"kt_noi_chet": "Bệnh viện Bãi Cháy"},
        "form_field": "kt_nguyen_nhan",
    }
    result, _ = validate("form_answer", "thôi bỏ đi", slots, intent="deny")
    assert result == {"form_answer": "-", "form_confirmed": "abandoned"}
    dispatcher, cleared = run(ActionSubmitForm(), tracker("thôi bỏ đi", {**slots, **result}, "deny"))
    assert [m.get("response") for m in dispatcher.messages] == ["utter_form_abandoned"]
    assert cleared["form_values"] is None
    root = demo.documents.root
    assert not root.exists() or not [p for p in root.iterdir() if p.is_dir()]  # no document was made
