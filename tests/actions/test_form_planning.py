"""Pre-fill planning and the form conversation's wording, on the seeded demo citizens (no Rasa needed)."""

from __future__ import annotations

import pytest

from actions.form_prefill import after_answer, next_field, plan_prefill
from actions.form_text import (
    MAX_SUMMARY_CHARS,
    correction_request,
    detect_form_kind,
    fields_named,
    question,
    suggestions,
    summary,
)
from backends.identity import seed
from backends.identity.seed import demo_birth_notices, demo_citizens
from forms.templates import FORM_TEMPLATES, get_template, missing_fields

CITIZENS = {c.id_number: c for c in demo_citizens()}


def relatives_of(citizen):
    out = {}
    for key in ("father", "mother", "spouse"):
        other = CITIZENS.get(getattr(citizen, f"{key}_id") or "")
        if other is not None:
            out[key] = other
    return out


def notices_of(citizen):
    return [n for n in demo_birth_notices() if not n.registered and citizen.id_number in (n.mother_id, n.father_id)]


def plan(form_key, id_number, with_notices=True):
    citizen = CITIZENS[id_number]
    return plan_prefill(form_key, citizen, relatives_of(citizen), notices_of(citizen) if with_notices else [])


def test_birth_form_is_complete_from_the_records_and_the_birth_notice():
    values = plan("khai_sinh", seed.HUNG)
    assert missing_fields("khai_sinh", values) == []
    assert values["ks_ho_ten"] == "Nguyễn Minh An"
    assert values["ks_gioi_tinh"] == "Nam"
    assert values["nyc_quan_he"] == "Cha"
    assert values["cha_ho_ten"] == "Nguyễn Văn Hùng" and values["me_ho_ten"] == "Trần Thị Mai Anh"
    assert values["me_nam_sinh"] == 1997
    assert values["ks_dan_toc"] == "Kinh" and values["ks_quoc_tich"] == "Việt Nam"
    assert values["ks_que_quan"] == "xã Hoằng Hóa, tỉnh Thanh Hóa"  # the father's hometown
    assert values["kinh_gui"] == "Ủy ban nhân dân phường Bãi Cháy"


def test_the_mother_applying_is_the_mother_and_her_husband_the_father():
    values = plan("khai_sinh", seed.MAI_ANH)
    assert values["nyc_quan_he"] == "Mẹ"
    assert values["nyc_ho_ten"] == "Trần Thị Mai Anh"
    assert values["cha_ho_ten"] == "Nguyễn Văn Hùng"


def test_without_a_birth_notice_only_the_newborn_is_asked():
    values = plan("khai_sinh", seed.HUNG, with_notices=False)
    assert [f.key for f in missing_fields("khai_sinh", values)] == [
        "ks_ho_ten",
        "ks_ngay_sinh",
        "ks_noi_sinh",
        "ks_gioi_tinh",
    ]


def test_a_birth_notice_without_a_chosen_name_leaves_the_name_to_ask():
    values = plan("khai_sinh", seed.LAN)
    assert "ks_ho_ten" in [f.key for f in missing_fields("khai_sinh", values)]
    assert values["ks_gioi_tinh"] == "Nữ"


def test_marriage_form_fills_the_applicants_side_and_asks_the_partners():
    values = plan("ket_hon", seed.TUAN)
    assert values["nam_ho_ten"] == "Phạm Quốc Tuấn" and values["nam_lan_ket_hon"] == 1
    asked = [f.key for f in missing_fields("ket_hon", values)]
    assert asked == [
        "nu_ho_ten",
        "nu_ngay_sinh",
        "nu_dan_toc",
        "nu_quoc_tich",
        "nu_noi_cu_tru",
        "nu_giay_to",
        "nu_lan_ket_hon",
    ]


def test_death_form_takes_the_spouse_as_the_deceased():
    values = plan("khai_tu", seed.HANH)
    assert values["kt_ho_ten"] == CITIZENS[seed.THANH].full_name
    assert values["nyc_quan_he"] == "Vợ"
    assert {f.key for f in missing_fields("khai_tu", values)} == {
        "kt_thoi_gian_chet",
        "kt_noi_chet",
        "kt_nguyen_nhan",
        "gbt_so",
        "gbt_ngay_cap",
        "gbt_co_quan",
    }


def test_marital_status_certificate_asks_only_the_purpose():
    values = plan("xac_nhan_hon_nhan", seed.TRANG)
    assert values["xn_tinh_trang"] == "Chưa đăng ký kết hôn"
    assert [f.key for f in missing_fields("xac_nhan_hon_nhan", values)] == ["xn_muc_dich"]


def test_ct01_asks_the_relation_first_and_a_household_head_fills_the_head():
    values = plan("ct01", seed.LAN)
    assert next_field("ct01", values).key == "quan_he_chu_ho"
    values = after_answer("ct01", "quan_he_chu_ho", {**values, "quan_he_chu_ho": "chủ hộ"})
    assert values["chu_ho_ho_ten"] == values["ho_ten"] and values["chu_ho_so_dinh_danh"] == values["so_dinh_danh"]
    assert [f.key for f in missing_fields("ct01", values)] == ["noi_dung_de_nghi"]


def test_an_elderly_citizen_with_an_incomplete_record_is_asked_for_the_gaps():
    values = plan("ct01", seed.SANG)
    assert "so_dien_thoai" in [f.key for f in missing_fields("ct01", values)]


@pytest.mark.parametrize("form_key", sorted(FORM_TEMPLATES))
def test_every_prefilled_value_is_a_field_of_the_form(form_key):
    for id_number in CITIZENS:
        assert set(plan(form_key, id_number)) <= set(get_template(form_key).keys)


def test_a_field_being_corrected_is_asked_before_the_missing_ones():
    values = plan("khai_sinh", seed.HUNG, with_notices=False)
    assert next_field("khai_sinh", values, redo="me_ho_ten").key == "me_ho_ten"
    assert next_field("khai_sinh", values).key == "ks_ho_ten"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("cho tôi điền tờ khai khai sinh cho con", "khai_sinh"),
        ("dien to khai dang ky ket hon", "ket_hon"),
        ("điền tờ khai khai tử cho bố", "khai_tu"),
        ("điền mẫu CT01", "ct01"),
        ("to khai dang ky thuong tru", "ct01"),
        ("xin giấy xác nhận tình trạng hôn nhân", "xac_nhan_hon_nhan"),
        ("giấy xác nhận độc thân để kết hôn", "xac_nhan_hon_nhan"),
        ("fill in the birth registration form", "khai_sinh"),
        ("e mún điền tờ khai ks cho bé", "khai_sinh"),
        ("đk kết hôn thì điền tk giúp e dc ko", "ket_hon"),
        ("điền tờ khai", None),
        ("", None),
    ],
)
def test_which_form_a_message_asks_for(text, kind):
    assert detect_form_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sửa ngày sinh của bé thành 20/11/2026", ("ngày sinh của bé", "20/11/2026")),
        ("Sửa lại tên bé: Nguyễn Minh Anh", ("tên bé", "Nguyễn Minh Anh")),
        ("sua dia chi", ("dia chi", None)),
        ("tôi muốn sửa nơi sinh", ("nơi sinh", None)),
        ("change the phone number to 0912345678", ("the phone number", "0912345678")),
        ("Nguyễn Văn Sửa", None),
        ("24/11/2026", None),
    ],
)
def test_reading_a_correction(text, expected):
    assert correction_request(text) == expected


@pytest.mark.parametrize(
    ("form_key", "text", "keys"),
    [
        ("khai_sinh", "ngày sinh của bé", ["ks_ngay_sinh"]),
        ("khai_sinh", "tên bé", ["ks_ho_ten"]),
        ("khai_sinh", "tên mẹ", ["me_ho_ten"]),
        ("khai_sinh", "địa chỉ của mẹ", ["me_noi_cu_tru"]),
        ("khai_sinh", "nơi sinh", ["ks_noi_sinh"]),
        ("ct01", "sdt", ["so_dien_thoai"]),
        ("ket_hon", "tên bên nam", ["nam_ho_ten"]),
        ("khai_sinh", "xyz", []),
    ],
)
def test_which_field_a_correction_names(form_key, text, keys):
    assert [f.key for f in fields_named(form_key, text)] == keys


def test_an_ambiguous_correction_names_several_fields():
    assert {f.key for f in fields_named("khai_sinh", "ngày sinh")} == {"ks_ngay_sinh", "nyc_ngay_sinh"}


def test_questions_name_whose_field_it_is_and_offer_choices():
    t = get_template("khai_sinh")
    assert question("khai_sinh", t.field("ks_ngay_sinh"), "vi").startswith("Ngày, tháng, năm sinh của bé?")
    assert question("khai_sinh", t.field("ks_ngay_sinh"), "en").startswith("Child's date of birth?")
    assert suggestions("khai_sinh", t.field("ks_gioi_tinh")) == ("Nam", "Nữ")


@pytest.mark.parametrize("form_key", sorted(FORM_TEMPLATES))
def test_the_summary_is_short_and_masks_id_numbers(form_key):
    values = plan(form_key, seed.HUNG)
    text = summary(form_key, values, "vi")
    assert len(text) <= MAX_SUMMARY_CHARS
    assert seed.HUNG not in text
    assert "0220******26" in text


def test_ct01_is_filed_with_the_commune_police_and_hộ_tịch_forms_with_the_peoples_committee():
    assert plan("ct01", seed.LAN)["kinh_gui"].startswith("Công an ")
    assert plan("khai_tu", seed.HANH)["kinh_gui"].startswith("Ủy ban nhân dân ")


def test_a_declarant_who_is_the_household_head_is_not_asked_for_the_head_even_without_records():
    values = after_answer("ct01", "quan_he_chu_ho", {"quan_he_chu_ho": "Chủ hộ"})
    values = after_answer("ct01", "ho_ten", {**values, "ho_ten": "Vũ Văn Sáng"})
    values = after_answer("ct01", "so_dinh_danh", {**values, "so_dinh_danh": seed.SANG})
    assert values["chu_ho_ho_ten"] == "Vũ Văn Sáng" and values["chu_ho_so_dinh_danh"] == seed.SANG


def test_questions_do_not_repeat_whose_field_it_is():
    t = get_template("ct01")
    assert question("ct01", t.field("quan_he_chu_ho"), "vi") == "Mối quan hệ với chủ hộ?"
    assert question("ct01", t.field("kinh_gui"), "vi").startswith("Bạn nộp tờ khai ở cơ quan nào?")
    assert suggestions("ket_hon", get_template("ket_hon").field("nu_dan_toc")) == ("Kinh",)
