"""Chat shorthand expansion."""

import pytest

from knowledge_base.text import expand_shorthand


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("e muốn đk kết hôn cần j ạ", "em muốn đăng ký kết hôn cần gì ạ"),
        ("ko dc", "không được"),
        ("k biết", "không biết"),
        ("hok có", "không có"),
        ("bn tiền", "bao nhiêu tiền"),
        ("làm cccd mất bn ngày", "làm căn cước công dân mất bao nhiêu ngày"),
        ("mk muốn rút bhxh", "mình muốn rút bảo hiểm xã hội"),
        ("thẻ bhyt của bé", "thẻ bảo hiểm y tế của bé"),
        ("đổi cmnd sang cccd ntn", "đổi chứng minh nhân dân sang căn cước công dân như thế nào"),
        ("cấp lại gplx", "cấp lại giấy phép lái xe"),
        ("đi vs ai", "đi với ai"),
        ("nộp r ms biết", "nộp rồi mới biết"),
        ("wa ubnd xã", "qua ủy ban nhân dân xã"),
        ("sổ đỏ có qsdđ", "sổ đỏ có quyền sử dụng đất"),
    ],
)
def test_common_shorthand(text, expected):
    assert expand_shorthand(text) == expected


def test_a_is_anh_at_the_start_and_a_particle_at_the_end():
    assert expand_shorthand("a ơi cho e hỏi") == "anh ơi cho em hỏi"
    assert expand_shorthand("cần gì a") == "cần gì ạ"
    assert expand_shorthand("cho a hỏi") == "cho anh hỏi"
    # Mid-sentence with no telling context: kept as typed.
    assert expand_shorthand("vitamin a tốt") == "vitamin a tốt"


def test_hk_depends_on_context():
    assert expand_shorthand("nhập hk cho con") == "nhập hộ khẩu cho con"
    assert expand_shorthand("hk biết làm sao") == "không biết làm sao"


def test_v_is_vay_only_where_it_can_be():
    assert expand_shorthand("sao v") == "sao vậy"
    assert expand_shorthand("làm ở đâu v ạ") == "làm ở đâu vậy ạ"
    assert expand_shorthand("vitamin v x") == "vitamin v x"


def test_repeated_letters_collapse_but_acronyms_stay():
    assert expand_shorthand("ở đâuuuu vậyyy") == "ở đâu vậy"
    assert expand_shorthand("cccd") == "căn cước công dân"


def test_sentence_breaks_reset_position_rules():
    # "a" ends the first sentence ("ạ") and starts the second ("anh").
    assert expand_shorthand("cần gì a. a ơi") == "cần gì ạ anh ơi"


def test_keeps_codes_and_plain_words():
    assert expand_shorthand("thủ tục 1.001193 ở đâu") == "thủ tục 1.001193 ở đâu"
    assert expand_shorthand("") == ""
