"""The text every NLU example and user message is reduced to before intent classification."""

from __future__ import annotations

import unicodedata

import pytest

from nlu.normalization import MAX_NLU_CHARS, is_payload, normalize_for_nlu


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (
            [
                "Làm giấy khai sinh cần gì",
                "lam giay khai sinh can gi",
                "lm giấy ks cần j",
                "LÀM GIẤY KHAI SINH CẦN GÌ?",
            ],
            "lam giay khai sinh can gi",
        ),
        (
            ["Em muốn đăng ký kết hôn cần gì", "em muon dang ky ket hon can gi", "e muốn đk kết hôn cần j"],
            "em muon dang ky ket hon can gi",
        ),
        (
            ["Đăng ký thường trú ở đâu", "dang ky thuong tru o dau", "đk thường trú ở đâu", "dk thuong tru o dau"],
            "dang ky thuong tru o dau",
        ),
        (["làm căn cước công dân", "lam can cuoc cong dan", "lm cccd"], "lam can cuoc cong dan"),
    ],
)
def test_tones_no_tones_and_shorthand_look_alike(variants, expected):
    assert [normalize_for_nlu(v) for v in variants] == [expected] * len(variants)


def test_different_questions_stay_different():
    assert normalize_for_nlu("đăng ký khai sinh") != normalize_for_nlu("đăng ký kết hôn")


@pytest.mark.parametrize(
    "payload",
    ['/ask_aspect{"aspect":"fee"}', "/greet", '  /choose_procedure{"code":"1.001193"}', "/Đổi_Ngôn_Ngữ"],
)
def test_payloads_come_back_unchanged(payload):
    assert is_payload(payload)
    assert normalize_for_nlu(payload) == payload


def test_text_with_a_slash_inside_is_not_a_payload():
    assert not is_payload("ngày 12/3 nộp hồ sơ")
    assert normalize_for_nlu("Ngày 12/3 nộp hồ sơ") == "ngay 12 3 nop ho so"


def test_empty_string_unchanged():
    assert normalize_for_nlu("") == ""


def test_nfd_input_equals_nfc_input():
    text = "Đăng ký khai sinh cho con ở Ủy ban nhân dân phường"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text  # really decomposed
    assert normalize_for_nlu(nfd) == normalize_for_nlu(text) == "dang ky khai sinh cho con o uy ban nhan dan phuong"


def test_tone_placement_variants_look_alike():
    assert normalize_for_nlu("hoà giải ở xã") == normalize_for_nlu("hòa giải ở xã") == "hoa giai o xa"


def test_long_input_is_capped_before_normalizing():
    text = "thủ tục đăng ký khai sinh cho con " * 200
    assert len(text) > MAX_NLU_CHARS

    out = normalize_for_nlu(text)

    assert out == normalize_for_nlu(text[:MAX_NLU_CHARS])
    assert MAX_NLU_CHARS - 40 <= len(out) <= MAX_NLU_CHARS  # cut at the cap, not far before it


def test_text_past_the_cap_is_ignored():
    head = "hỏi về khai sinh " * (MAX_NLU_CHARS // 17 + 1)
    assert len(head) > MAX_NLU_CHARS
    assert normalize_for_nlu(head + "hộ chiếu") == normalize_for_nlu(head + "kết hôn")


def test_output_of_shorthand_heavy_input_is_not_longer_than_the_cap():
    assert len(normalize_for_nlu("ks " * 1000)) <= MAX_NLU_CHARS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>Đăng ký</b> khai sinh", "dang ky khai sinh"),
        ("<p>Xin chào</p><br/>cho hỏi lệ phí", "xin chao cho hoi le phi"),
        ('<a href="https://dichvucong.gov.vn">Cổng dịch vụ công</a>', "cong dich vu cong"),
    ],
)
def test_html_tags_are_stripped(text, expected):
    out = normalize_for_nlu(text)
    assert out == expected
    assert "<" not in out and ">" not in out


def test_output_is_lower_case_ascii_for_vietnamese_input():
    text = (
        "ĐĂNG KÝ THƯỜNG TRÚ Ở ĐÂU? Ủy ban nhân dân Phường Bến Nghé, Quốc tịch Việt Nam, "
        "xuất nhập cảnh, bảo hiểm y tế, nghĩa vụ quân sự, giấy chứng nhận quyền sử dụng đất"
    )

    out = normalize_for_nlu(text)

    assert out.isascii()
    assert out == out.lower()
    assert out.startswith("dang ky thuong tru o dau uy ban nhan dan phuong ben nghe")


def test_procedure_codes_survive():
    assert normalize_for_nlu("Thủ tục 1.001193 cần gì") == "thu tuc 1.001193 can gi"
