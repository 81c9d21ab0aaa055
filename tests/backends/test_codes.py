"""Dossier codes as citizens type them: what is read, what is refused, and that nothing raises."""

from __future__ import annotations

from datetime import date

import pytest

from backends.dossiers.codes import (
    MAX_CODE_INPUT,
    find_dossier_code,
    looks_like_a_code_attempt,
    normalize_dossier_code,
    parse_dossier_code,
    province_of,
)

H51 = "000.00.04.H51-200221-0001"
H56 = "000.17.22.H56-210531-0001"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (H51, H51),
        (H56, H56),
        ("000.00.04.h51-200221-0001", H51),
        ("000.00.04.h51 200221 0001", H51),
        ("000.00.04.H51-2002210001", H51),
        ("00000 04 H51 200221 0001", H51),
        ("000 00 04 H51 200221 0001", H51),
        ("000.00.04.H51 - 200221 - 0001", H51),
        ("000..00..04..H51--200221--0001", H51),
        ("0000004H512002210001", H51),
        ("000.00.04.H51/200221/0001", H51),
        ("000.00.04.H51–200221–0001", H51),  # en dashes from a phone keyboard
        ("  000.00.04.H51-200221-0001  ", H51),
        ('"000.00.04.H51-200221-0001"', H51),
        ("(000.00.04.H51-200221-0001).", H51),
        ("000.00.04.H51-200221-0001?", H51),
        ("０００.００.０４.Ｈ５１-２００２２１-０００１", H51),  # full-width
        ("000.00.04.H51\u200b-200221-0001", H51),  # zero-width space pasted from a web page
        ("000.17.22.h56 210531 0001", H56),
        ("000.00.12.H49-260310-0005", "000.00.12.H49-260310-0005"),
        ("000.00.12.h49.240229.0042", "000.00.12.H49-240229-0042"),  # 29 February of a leap year
        ("000.00.12.H49-261231-9999", "000.00.12.H49-261231-9999"),
    ],
)
def test_accepted_forms_give_the_canonical_code(typed: str, expected: str) -> None:
    assert normalize_dossier_code(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "000.00.04.H51-201332-0001",  # month 13, day 32
        "000.00.04.H51-200230-0001",  # 30 February
        "000.00.04.H51-230229-0001",  # 29 February of a common year
        "000.00.04.H51-200200-0001",  # day 0
        "000.00.04.H51-200221-001",  # counter too short
        "000.00.04.H51-200221-00001",  # counter too long
        "000.00.04.H51-200221-0000",  # counters start at 0001
        "000.00.04.H51-20221-0001",  # date too short
        "000.00.04.H5-200221-0001",  # province code too short
        "000.00.04.H511-200221-0001",  # province code too long
        "000.00.04.X51-200221-0001",  # not H
        "000.00.4.H51-200221-0001",  # agency group too short
        "0 00.00.04.H51-200221-0001",  # separator inside a part
        "000.00.04.H51----200221-0001",  # more than 3 separators
        "000.00.04.H51-200221-0001 000.00.04.H51-200221-0002",  # two codes are not one
        "mã hồ sơ 000.00.04.H51-200221-0001",  # free text: use find_dossier_code
        "1.001193",  # a procedure code
        "0912345678",  # a phone number
        "022189004512",  # an ID number
        "'; DROP TABLE dossiers;--",
        "000.00.04.H51-200221-0001'; DROP TABLE dossiers;--",
        "<script>alert(1)</script>",
        "000.00.04.H51-200221-0001<script>",
        "🙂",
        "hồ sơ của tôi 🙂🙂🙂",
        "٠٠٠.٠٠.٠٤.H51-200221-0001",  # Arabic-Indic digits are not read as digits
        "0" * 10_000,
        "x" * 10_000,
        H51 + " " * (MAX_CODE_INPUT + 1),
    ],
)
def test_non_codes_give_none(typed: str) -> None:
    assert normalize_dossier_code(typed) is None


@pytest.mark.parametrize("value", [None, 42, b"000.00.04.H51-200221-0001", ["x"]])
def test_non_strings_give_none_never_raise(value: object) -> None:
    assert normalize_dossier_code(value) is None  # type: ignore[arg-type]
    assert find_dossier_code(value) is None  # type: ignore[arg-type]
    assert looks_like_a_code_attempt(value) is False  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hồ sơ 000.00.04.H51-200221-0001 của tôi đến đâu rồi", H51),
        ("cho mình hỏi hs 000.00.04.h51 200221 0001 với ạ", H51),
        ("Mã hồ sơ: 000.17.22.H56-210531-0001.", H56),
        ("ma ho so la 000.17.22.H56-2105310001 nhe", H56),
        ("mã:000.00.04.H51-200221-0001của tôi", H51),  # glued to letters is still read
        ("tra cứu giúp em 000.00.12.H49-260310-0005 và 000.00.13.H49-260309-0002", "000.00.12.H49-260310-0005"),
        # an invalid one first, then a valid one: the valid one
        ("000.00.04.H51-201332-0001 à nhầm, 000.00.04.H51-200221-0002", "000.00.04.H51-200221-0002"),
        ("line one\n000.00.04.H51\n200221\n0001\n", H51),
    ],
)
def test_find_code_in_free_text(text: str, expected: str) -> None:
    assert find_dossier_code(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "hồ sơ của tôi đến đâu rồi",
        "thủ tục 1.001193 cần giấy tờ gì",
        "sđt 0912345678, cccd 022189004512",
        "1.000.00.04.H51-200221-0001",  # glued to a preceding "1."
        "9000.00.04.H51-200221-0001",  # glued to a preceding digit
        "000.00.04.H51-200221-00012",  # glued to a following digit
        "000.00.04.H51-201332-0001",
        "'; DROP TABLE--",
        "<script>000</script>",
        "🙂" * 3000,
        "a" * 10_000,
    ],
)
def test_find_code_none(text: str) -> None:
    assert find_dossier_code(text) is None


def test_find_code_in_a_very_long_message_does_not_raise() -> None:
    assert find_dossier_code("xin chào " * 1000 + H51) is None  # beyond the scanned prefix
    assert find_dossier_code(H51 + " " + "x" * 10_000) == H51


def test_another_provinces_code_is_still_a_code() -> None:
    assert normalize_dossier_code("000.00.01.H01-250101-0001") == "000.00.01.H01-250101-0001"
    assert province_of("000.00.01.h01 250101 0001") == "H01"


def test_province_of() -> None:
    assert province_of(H51) == "H51"
    assert province_of(H56) == "H56"
    assert province_of("000.00.12.h49 260310 0005") == "H49"
    with pytest.raises(ValueError):
        province_of("not a code")


def test_parse_gives_the_parts() -> None:
    parsed = parse_dossier_code("000.17.22.h56 210531 0001")
    assert parsed is not None
    assert parsed.agency == "000.17.22.H56"
    assert parsed.province == "H56"
    assert parsed.registered_on == date(2021, 5, 31)
    assert parsed.counter == 1
    assert str(parsed) == H56


@pytest.mark.parametrize(
    "text",
    [
        "000.00.04.H51-201332-0001",  # impossible date
        "000.00.04.H51-200221-001",  # short counter
        "000.00.04.H51-200221-00001",
        "000.00.04.H5-200221-0001",
        "000.00.H51-200221-0001",  # a group missing
        "mã hồ sơ 000.00.04.H51-20022-0001 nhé",
        "000 00 04 H5 200221 0001",
        "H51-200221-0001",  # agency part missing
        "200221-0001",  # only date and counter
        "000.00.04.X51-200221-0001",
        "000.00.04.51.200221.0001",  # H forgotten
    ],
)
def test_malformed_codes_look_like_attempts(text: str) -> None:
    assert normalize_dossier_code(text) is None
    assert looks_like_a_code_attempt(text) is True


@pytest.mark.parametrize(
    "text",
    [
        H51,  # a valid code is not a failed attempt
        "hồ sơ 000.00.04.H51-200221-0001 của tôi",
        "",
        "xin chào",
        "thủ tục 1.001193",
        "đăng ký khai sinh cần giấy tờ gì",
        "số điện thoại của tôi là 0912345678",
        "cccd 022189004512",
        "0912 345 678",
        "hẹn ngày 20/5/2024 lúc 10h30",
        "5678",
        "'; DROP TABLE--",
        "<script>alert(1)</script>",
        "🙂" * 100,
        "x" * 10_000,
    ],
)
def test_other_text_is_not_an_attempt(text: str) -> None:
    assert looks_like_a_code_attempt(text) is False
