"""Aspect detection: Vietnamese with and without tone marks, chat shorthand, English."""

from __future__ import annotations

import pytest

from knowledge_base.answer import Aspect, detect_aspect, detect_aspects
from knowledge_base.answer.aspect import fold

A = Aspect

EXAMPLES: list[tuple[str, Aspect]] = [
    # documents
    ("Làm giấy khai sinh cho cháu thì cần mang gì ạ?", A.DOCUMENTS),
    ("can giay to gi de dang ky ket hon", A.DOCUMENTS),
    ("Hồ sơ gồm những gì vậy", A.DOCUMENTS),
    ("đk tạm trú cần j", A.DOCUMENTS),
    ("lam cccd can nhung gi", A.DOCUMENTS),
    ("Muốn sang tên sổ đỏ phải chuẩn bị những gì", A.DOCUMENTS),
    ("What documents do I need to register my marriage?", A.DOCUMENTS),
    ("what should I bring for the ID card appointment", A.DOCUMENTS),
    ("chung thuc ban sao can mang theo gi", A.DOCUMENTS),
    # fee
    ("Đăng ký thường trú hết bao nhiêu tiền?", A.FEE),
    ("lệ phí chứng thực chữ ký", A.FEE),
    ("khai tử có mất phí không", A.FEE),
    ("le phi cap doi can cuoc bn tien", A.FEE),
    ("How much does a birth certificate cost?", A.FEE),
    ("is there a fee for registering temporary residence", A.FEE),
    ("xac nhan doc than co mien phi ko", A.FEE),
    # time
    ("Bao lâu thì lấy được giấy khai sinh?", A.TIME),
    ("xac nhan tinh trang hon nhan may ngay co", A.TIME),
    ("how long does it take to get a new ID card", A.TIME),
    ("đăng ký hộ kinh doanh mất bao lâu", A.TIME),
    ("bn ngay thi co ket qua", A.TIME),
    ("thời hạn giải quyết cấp giấy phép xây dựng", A.TIME),
    # steps
    ("Thủ tục đăng ký kết hôn thế nào?", A.STEPS),
    ("các bước đăng ký tạm trú", A.STEPS),
    ("làm sao để khai sinh cho con", A.STEPS),
    ("nộp hồ sơ khai sinh online được không", A.STEPS),
    ("How to register a business household?", A.STEPS),
    ("lam giay khai sinh ntn", A.STEPS),
    ("tôi cần làm gì để nhập hộ khẩu cho vợ", A.STEPS),
    ("hướng dẫn đăng ký khai tử qua VNeID", A.STEPS),
    # where
    ("Đăng ký kết hôn ở đâu?", A.WHERE),
    ("chứng thực bản sao nộp chỗ nào", A.WHERE),
    ("xin giay xac nhan doc than o dau", A.WHERE),
    ("Where do I apply for a marriage certificate?", A.WHERE),
    ("lấy mẫu tờ khai ở đâu", A.WHERE),
    ("nop o xa hay huyen", A.WHERE),
    # result
    ("Đăng ký khai sinh xong thì được nhận gì?", A.RESULT),
    ("kết quả của thủ tục cải chính hộ tịch là gì", A.RESULT),
    ("What will I get after the death registration?", A.RESULT),
    # eligibility
    ("Người nước ngoài có được đăng ký thường trú không?", A.ELIGIBILITY),
    ("điều kiện đăng ký kết hôn", A.ELIGIBILITY),
    ("ai được đi khai sinh cho trẻ", A.ELIGIBILITY),
    ("Can I register my child's birth if we are not married?", A.ELIGIBILITY),
    ("am I eligible for a certified copy as a foreigner", A.ELIGIBILITY),
    ("ong ba co the di dang ky khai sinh cho chau khong", A.ELIGIBILITY),
    # general
    ("đăng ký khai sinh", A.GENERAL),
    ("thủ tục thành lập hộ kinh doanh", A.GENERAL),
    ("giấy xác nhận độc thân", A.GENERAL),
    ("chứng thực bản sao", A.GENERAL),
    ("birth registration", A.GENERAL),
    ("có bắt buộc không", A.GENERAL),
]


@pytest.mark.parametrize(("question", "expected"), EXAMPLES)
def test_detect_aspect(question: str, expected: Aspect) -> None:
    assert detect_aspect(question) == expected


def test_enough_varied_examples() -> None:
    assert len(EXAMPLES) >= 40
    assert {aspect for _, aspect in EXAMPLES} == set(Aspect)


@pytest.mark.parametrize(
    ("with_marks", "without"),
    [
        ("Đăng ký khai sinh cần giấy tờ gì", "dang ky khai sinh can giay to gi"),
        ("Lệ phí đăng ký thường trú bao nhiêu", "le phi dang ky thuong tru bao nhieu"),
        ("Nộp hồ sơ ở đâu", "nop ho so o dau"),
        ("Mất bao lâu", "mat bao lau"),
    ],
)
def test_same_aspect_with_and_without_tone_marks(with_marks: str, without: str) -> None:
    assert detect_aspect(with_marks) == detect_aspect(without) != Aspect.GENERAL


def test_several_aspects_in_order_of_mention() -> None:
    assert detect_aspects("cần giấy tờ gì và lệ phí bao nhiêu") == [A.DOCUMENTS, A.FEE]
    assert detect_aspects("lệ phí bao nhiêu, cần giấy tờ gì") == [A.FEE, A.DOCUMENTS]
    assert detect_aspects("How long does it take and how much does it cost?") == [A.TIME, A.FEE]


def test_priority_inside_one_clause() -> None:
    # The place wins over the thing fetched there; the duration wins over the result.
    assert detect_aspects("tờ khai lấy ở đâu")[0] == A.WHERE
    assert detect_aspects("bao lâu có kết quả")[:2] == [A.TIME, A.RESULT]


def test_general_when_nothing_specific() -> None:
    assert detect_aspects("xin chào") == [A.GENERAL]
    assert detect_aspect("") == A.GENERAL


def test_fold_removes_marks_and_expands_shorthand() -> None:
    assert fold("Đăng KÝ khai sinh cần j?") == "dang ky khai sinh can gi"
    assert fold("ko đc à") == "khong duoc a"
    # NFD input (the crawl's encoding) folds the same as NFC
    assert fold("Thu\u0309 tu\u0323c") == fold("Thủ tục") == "thu tuc"
