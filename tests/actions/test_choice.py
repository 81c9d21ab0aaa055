"""Which offered candidate a citizen picked by typing a position or a part of its name."""

from __future__ import annotations

import pytest

from actions.choice import match_name, parse_ordinal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 1),
        ("số 2", 1),
        ("Số 2 ạ", 1),
        ("cái thứ 2", 1),
        ("cái thứ hai", 1),
        ("cai thu hai", 1),
        ("thu 3", 2),
        ("thứ ba", 2),
        ("số ba", 2),
        ("lựa chọn 1", 0),
        ("phương án hai", 1),
        ("cái đầu tiên", 0),
        ("cái đầu", 0),
        ("thứ nhất", 0),
        ("the first one", 0),
        ("second", 1),
        ("third", 2),
        ("cái cuối", 2),
        ("cái cuối cùng", 2),
        ("last one", 2),
    ],
)
def test_positions_with_three_options(text, expected):
    assert parse_ordinal(text, 3) == expected


def test_last_depends_on_the_number_of_options():
    assert parse_ordinal("cái cuối", 5) == 4
    assert parse_ordinal("the last one", 2) == 1


@pytest.mark.parametrize("text", ["số 5", "cái thứ 4", "0", "10"])
def test_out_of_range_is_none(text):
    assert parse_ordinal(text, 3) is None


def test_in_range_depends_on_the_number_of_options():
    assert parse_ordinal("số 5", 5) == 4
    assert parse_ordinal("cái thứ hai", 1) is None
    assert parse_ordinal("2", 0) is None


@pytest.mark.parametrize("text", ["", "   ", "ok", "cái này", "cho tôi hỏi lệ phí", "làm hộ chiếu ở đâu"])
def test_no_number_is_none(text):
    assert parse_ordinal(text, 3) is None


@pytest.mark.parametrize("text", ["1.001193", "thủ tục 1.001193", "tôi chọn 1.001193 nhé", "mã 2.000005"])
def test_a_procedure_code_is_not_a_choice(text):
    assert parse_ordinal(text, 3) is None


NAMES = ["Cấp lại thẻ căn cước", "Cấp đổi thẻ căn cước"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cấp lại", 0),
        ("cap lai", 0),
        ("CẤP LẠI", 0),
        ("cấp lại thẻ", 0),
        ("cấp đổi", 1),
        ("cap doi", 1),
    ],
)
def test_match_name_picks_the_one_clearly_matching_name(text, expected):
    assert match_name(text, NAMES) == expected


@pytest.mark.parametrize("text", ["thẻ căn cước", "the can cuoc"])
def test_match_name_is_none_when_two_names_match_equally(text):
    assert match_name(text, NAMES) is None


@pytest.mark.parametrize("text", ["hộ chiếu", "ho chieu", "đăng ký kết hôn", "xyz"])
def test_match_name_is_none_when_nothing_matches(text):
    assert match_name(text, NAMES) is None


def test_match_name_among_three_names():
    names = ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử"]
    assert match_name("khai sinh", names) == 0
    assert match_name("ket hon", names) == 1
    assert match_name("khai tử", names) == 2
    assert match_name("đăng ký", names) is None


def test_match_name_needs_a_real_choice_and_enough_text():
    assert match_name("cấp lại", ["Cấp lại thẻ căn cước"]) is None  # nothing to choose between
    assert match_name("ca", NAMES) is None  # too short to mean anything


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("cấp lại hộ chiếu", NAMES),  # leans to "cấp lại", but asks about another procedure
        ("đổi tên", NAMES),
        ("ly hôn", ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử"]),
    ],
)
def test_match_name_is_none_for_a_weak_match_even_with_a_clear_lead(text, names):
    assert match_name(text, names) is None
