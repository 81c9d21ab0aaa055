"""The citizen proves a dossier is theirs with the last 4 digits of the phone number registered on it."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from backends.dossiers.base import verification_matches
from backends.dossiers.model import VN_TZ, Dossier, DossierStatus

AT = datetime(2026, 3, 9, 15, 20, tzinfo=VN_TZ)


def _dossier(phone: str = "0915640382") -> Dossier:
    return Dossier(
        code="000.00.21.H49-260305-0003",
        procedure_code="1.001612",
        procedure_name="Đăng ký thành lập hộ kinh doanh",
        agency="Trung tâm Phục vụ hành chính công phường Cẩm Phả",
        applicant_name="Vũ Đức Thắng",
        applicant_phone=phone,
        applicant_id_number="034083002675",
        method="online",
        status=DossierStatus.PROCESSING,
        current_step="",
        received_at=AT,
        due_at=None,
        completed_at=None,
        updated_at=AT,
    )


@pytest.mark.parametrize("answer", ["0382", " 0382 ", "03 82", "0 3 8 2", "\t0382\n", "０３８２", "03\u00a082"])
def test_right_last_four_digits(answer: str) -> None:
    assert verification_matches(_dossier(), answer) is True


@pytest.mark.parametrize(
    "answer",
    [
        "0383",  # wrong
        "3820",
        "0915",  # the first four, not the last
        "382",  # 3 digits
        "40382",  # 5 digits
        "0915640382",  # the whole number
        "o382",  # a letter o for a zero
        "abcd",
        "03-82",
        "0382.",
        "",
        "   ",
        "٠٣٨٢",  # Arabic-Indic digits
        "0382" + " " * 100,  # too long to consider
        "'; DROP TABLE--",
    ],
)
def test_anything_else_is_refused(answer: str) -> None:
    assert verification_matches(_dossier(), answer) is False


@pytest.mark.parametrize("answer", [None, 382, b"0382"])
def test_non_strings_are_refused(answer: object) -> None:
    assert verification_matches(_dossier(), answer) is False  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phone", "answer"), [("0912 468 135", "8135"), ("+84 912 468 135", "8135"), ("091.246.8135", "8135")]
)
def test_the_registered_number_may_be_formatted(phone: str, answer: str) -> None:
    assert verification_matches(_dossier(phone), answer) is True


@pytest.mark.parametrize("phone", ["", "123", "không có"])
def test_a_dossier_without_a_usable_number_never_matches(phone: str) -> None:
    dossier = _dossier(phone)
    for answer in ("0000", "0123", "1234", phone):
        assert verification_matches(dossier, answer) is False


def test_another_dossiers_answer_does_not_match() -> None:
    assert verification_matches(dataclasses.replace(_dossier(), applicant_phone="0912468135"), "0382") is False
