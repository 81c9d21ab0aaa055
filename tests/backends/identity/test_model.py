"""The citizen record: validation, one-line addresses, a repr that hides personal data, reading numbers."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from backends.identity.base import normalize_id_number, normalize_phone
from backends.identity.model import Address, Citizen, mask_id_number, mask_phone
from backends.identity.seed import CITIZENS, HUNG, SANG

HUNG_RECORD = next(c for c in CITIZENS if c.id_number == HUNG)


def test_one_line_leaves_out_empty_parts() -> None:
    address = Address("tỉnh Quảng Ninh", "", "phường Bãi Cháy", "Số 18, tổ 5, khu 3")
    assert address.one_line() == "Số 18, tổ 5, khu 3, phường Bãi Cháy, tỉnh Quảng Ninh"
    assert Address("tỉnh Quảng Ninh", " ", "xã Tiên Yên", "").one_line() == "xã Tiên Yên, tỉnh Quảng Ninh"


def test_repr_and_str_hide_personal_fields() -> None:
    for citizen in CITIZENS:
        shown = f"{citizen!r} {citizen!s} {[citizen]} {citizen.permanent_address!r}"
        assert citizen.id_number not in shown
        assert mask_id_number(citizen.id_number) in shown
        for secret in (citizen.full_name, citizen.phone, citizen.email, citizen.permanent_address.detail):
            if secret:
                assert secret not in shown
        assert citizen.date_of_birth.isoformat() not in shown and str(citizen.date_of_birth.year) not in shown


def test_masks() -> None:
    assert mask_id_number("022094017326") == "0220******26"
    assert mask_id_number("not an id") == "************"
    assert mask_phone("0913427586") == "09******86"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    "change",
    [
        {"id_number": "02209401732"},
        {"id_number": "02209401732a"},
        {"sex": "male"},
        {"marital_status": "độc thân vui tính"},
        {"spouse_id": "123"},
        {"children_ids": ("022221004187", "x")},
        {"date_of_birth": "1994-08-12"},
    ],
)
def test_invalid_records_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(HUNG_RECORD, **change)


def test_children_ids_become_a_tuple_and_records_are_frozen() -> None:
    citizen = dataclasses.replace(HUNG_RECORD, children_ids=["022221004187"])  # type: ignore[arg-type]
    assert citizen.children_ids == ("022221004187",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        citizen.full_name = "x"  # type: ignore[misc]


def test_missing_lists_what_a_form_must_ask() -> None:
    elderly = next(c for c in CITIZENS if c.id_number == SANG)
    assert set(elderly.missing()) >= {"phone", "current_address", "hometown", "marital_status"}
    assert HUNG_RECORD.missing() == ()
    assert (
        Citizen(
            id_number="022041001256",
            full_name="X",
            date_of_birth=date(1941, 4, 10),
            sex="nam",
            ethnicity="Dao",
            nationality="Việt Nam",
            hometown="h",
            permanent_address=Address("p", "", "c", "d"),
            current_address=None,
        ).religion
        == "Không"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("022094017326", "022094017326"),
        (" 0220 9401 7326 ", "022094017326"),
        ("０２２０９４０１７３２６", "022094017326"),
        ("0220.9401.7326", "022094017326"),
        ("02209401732", None),
        ("0220940173261", None),
        ("' OR 1=1 --", None),
        ("022094017326'; DROP TABLE citizens; --", None),
        ("022094017326 OR 1=1", None),
        ("../../etc/passwd", None),
        ("%30%32%32", None),
        ("٠٢٢٠٩٤٠١٧٣٢٦", None),  # Arabic-Indic digits are not an ID number
        ("", None),
        (None, None),
        ("1" * 10_000, None),
    ],
)
def test_normalize_id_number(text: object, expected: str | None) -> None:
    assert normalize_id_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0913427586", "0913427586"),
        ("0913 427 586", "0913427586"),
        ("+84 913 427 586", "0913427586"),
        ("84913427586", "0913427586"),
        ("(091) 342-7586", "0913427586"),
        ("091342758", None),
        ("1913427586", None),
        ("0913427586' OR '1'='1", None),
        ("", None),
    ],
)
def test_normalize_phone(text: str, expected: str | None) -> None:
    assert normalize_phone(text) == expected
