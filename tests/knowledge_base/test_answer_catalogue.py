"""compose_answer on the committed catalogue: real entries, and the length cap on the longest ones."""

from __future__ import annotations

import re

import pytest

from knowledge_base.answer import MAX_CHARS, Aspect, compose_answer
from knowledge_base.catalogue import DEFAULT_PATH, load_catalogue
from knowledge_base.schema import Procedure

pytestmark = pytest.mark.skipif(not DEFAULT_PATH.exists(), reason="catalogue.jsonl not built yet")


@pytest.fixture(scope="module")
def procedures() -> list[Procedure]:
    return load_catalogue().procedures


@pytest.fixture(scope="module")
def by_code(procedures: list[Procedure]) -> dict[str, Procedure]:
    return {p.code: p for p in procedures}


def test_birth_registration(by_code: dict[str, Procedure]) -> None:
    khai_sinh = by_code["1.001193"]
    assert "Miễn phí" in compose_answer(khai_sinh, Aspect.FEE).text
    documents = compose_answer(khai_sinh, Aspect.DOCUMENTS).text
    assert "Tờ khai đăng ký khai sinh" in documents and "Giấy chứng sinh" in documents
    assert "Giấy khai sinh" in compose_answer(khai_sinh, Aspect.RESULT).text
    assert "UBND cấp xã" in compose_answer(khai_sinh, Aspect.WHERE).text


def test_marriage_registration(by_code: dict[str, Procedure]) -> None:
    ket_hon = by_code["1.000894"]
    answer = compose_answer(ket_hon, Aspect.DOCUMENTS)
    assert "Tờ khai đăng ký kết hôn" in answer.text
    assert answer.text.startswith("Đăng ký kết hôn (mã 1.000894)")
    assert "Free" in compose_answer(ket_hon, Aspect.FEE, lang="en").text


def test_certified_copy(by_code: dict[str, Procedure]) -> None:
    chung_thuc = by_code["2.000815"]
    fee = compose_answer(chung_thuc, Aspect.FEE)
    assert "2.000 đồng/trang" in fee.text
    time = compose_answer(chung_thuc, Aspect.TIME)
    assert "time" in time.missing  # the portal gives no processing time for it


def test_permanent_residence_fee_per_channel(by_code: dict[str, Procedure]) -> None:
    text = compose_answer(by_code["1.004222"], Aspect.FEE).text
    assert re.search(r"Trực tiếp: 20\.000 đồng", text) and re.search(r"Trực tuyến: 10\.000 đồng", text)
    assert "7 ngày làm việc" in compose_answer(by_code["1.004222"], Aspect.TIME).text


def test_length_cap_on_the_50_longest(procedures: list[Procedure]) -> None:
    longest = sorted(procedures, key=lambda p: len(p.model_dump_json()), reverse=True)[:50]
    neighbours = longest[1:] + longest[:1]
    for procedure, other in zip(longest, neighbours, strict=True):
        for aspect in Aspect:
            for lang in ("vi", "en"):
                for ambiguous in (False, True):
                    answer = compose_answer(procedure, aspect, lang, alternatives=[other], ambiguous=ambiguous)
                    assert len(answer.text) <= MAX_CHARS, (procedure.code, aspect, lang, ambiguous)
                    assert procedure.code in answer.text
                    assert answer.source_url in answer.text
