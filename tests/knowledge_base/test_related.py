"""The curated related-procedures bundles (knowledge_base/data/related.yaml)."""

from __future__ import annotations

import pytest
import yaml
from pydantic import ValidationError

from knowledge_base.catalogue import load_catalogue
from knowledge_base.related import DEFAULT_PATH, RelatedOffer, load_related

KHAI_SINH = "1.001193"
THUONG_TRU = "1.004222"
BHYT = "1.001939"
LIEN_THONG = "2.000986"
KHAI_TU = "1.000656"
XOA_THUONG_TRU = "1.003197"


@pytest.fixture(scope="module")
def table():
    return load_related()


@pytest.fixture(scope="module")
def by_code():
    return load_catalogue().by_code()


def _raw_bundles():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))["bundles"]


def test_there_are_enough_bundles(table):
    assert len(table) >= 12
    assert len(table.codes()) >= 30


def test_every_code_is_in_the_catalogue(table, by_code):
    missing = sorted(table.codes() - set(by_code))
    assert not missing, f"codes not in catalogue.jsonl: {missing}"


def test_no_foreign_variant_outside_foreign_bundles(by_code):
    offenders = [
        (bundle["event"], p["code"])
        for bundle in _raw_bundles()
        if "foreign" not in bundle["event"]
        for p in bundle["procedures"]
        if "có yếu tố nước ngoài" in by_code[p["code"]].name.lower()
    ]
    assert not offenders


def test_titles_are_short(table):
    for event in table.events:
        for offer in table.bundle(event):
            assert 0 < len(offer.title_vi) <= 40
            assert 0 < len(offer.title_en) <= 40


def test_khai_sinh_offers_thuong_tru_and_bhyt(table):
    offers = table.for_code(KHAI_SINH)
    codes = [o.code for o in offers]
    assert THUONG_TRU in codes
    assert BHYT in codes
    assert all(isinstance(o, RelatedOffer) and o.event == "birth" for o in offers)


def test_khai_sinh_offers_lien_thong_when_asked_for_more(table):
    assert LIEN_THONG in [o.code for o in table.for_code(KHAI_SINH, limit=5)]


def test_khai_tu_offers_xoa_thuong_tru_first(table):
    assert table.for_code(KHAI_TU)[0].code == XOA_THUONG_TRU


def test_later_procedures_come_before_earlier_ones(table):
    # In the birth bundle, BHYT comes after thường trú and khai sinh: asking about BHYT first offers
    # the later procedures of that bundle, then the earlier ones.
    birth = [o.code for o in table.bundle("birth")]
    position = birth.index(BHYT)
    offers = [o.code for o in table.for_code(BHYT, limit=50) if o.event == "birth"]
    assert offers == birth[position + 1 :] + birth[:position]


def test_never_offers_the_code_itself(table):
    for code in table.codes():
        assert code not in [o.code for o in table.for_code(code, limit=50)]


def test_no_duplicate_offers(table):
    for code in table.codes():
        offered = [o.code for o in table.for_code(code, limit=50)]
        assert len(offered) == len(set(offered))


@pytest.mark.parametrize("limit", [0, 1, 2, 3])
def test_limit_is_respected(table, limit):
    # 1.004222 (thường trú) is in several bundles, so it has many more than 3 offers.
    assert len(table.for_code(THUONG_TRU, limit=50)) > 3
    assert len(table.for_code(THUONG_TRU, limit=limit)) == limit


def test_unknown_code_gives_nothing(table):
    assert table.for_code("9.999999") == []
    assert table.for_code("") == []


def test_title_by_language():
    offer = RelatedOffer(code=KHAI_SINH, title_vi="Đăng ký khai sinh", title_en="Birth registration", event="birth")
    assert offer.title("vi") == "Đăng ký khai sinh"
    assert offer.title("en") == "Birth registration"
    assert offer.title("en-US") == "Birth registration"


def test_default_table_is_cached():
    assert load_related() is load_related()


def _write(tmp_path, text):
    path = tmp_path / "related.yaml"
    path.write_text(text, encoding="utf-8")
    return path


_GOOD_PROCEDURES = """
      - code: "1.001193"
        title_vi: "Đăng ký khai sinh"
        title_en: "Birth registration"
      - code: "1.004222"
        title_vi: "Đăng ký thường trú"
        title_en: "Permanent residence"
"""


def test_a_valid_custom_file_loads(tmp_path):
    header = 'bundles:\n  - event: birth\n    title_vi: "a"\n    title_en: "b"\n    procedures:'
    path = _write(tmp_path, header + _GOOD_PROCEDURES)
    table = load_related(path)
    assert [o.code for o in table.for_code("1.004222")] == ["1.001193"]


@pytest.mark.parametrize(
    "text",
    [
        # bad code format
        'bundles:\n  - event: x\n    title_vi: "a"\n    title_en: "b"\n    procedures:\n'
        '      - {code: "1001193", title_vi: "A", title_en: "A"}\n'
        '      - {code: "1.004222", title_vi: "B", title_en: "B"}\n',
        # unquoted code (a float in YAML)
        'bundles:\n  - event: x\n    title_vi: "a"\n    title_en: "b"\n    procedures:\n'
        '      - {code: 1.001193, title_vi: "A", title_en: "A"}\n'
        '      - {code: "1.004222", title_vi: "B", title_en: "B"}\n',
        # empty title
        'bundles:\n  - event: x\n    title_vi: "a"\n    title_en: "b"\n    procedures:\n'
        '      - {code: "1.001193", title_vi: "", title_en: "A"}\n'
        '      - {code: "1.004222", title_vi: "B", title_en: "B"}\n',
        # title too long
        'bundles:\n  - event: x\n    title_vi: "a"\n    title_en: "b"\n    procedures:\n'
        f'      - {{code: "1.001193", title_vi: "{"x" * 41}", title_en: "A"}}\n'
        '      - {code: "1.004222", title_vi: "B", title_en: "B"}\n',
        # duplicate code inside a bundle
        'bundles:\n  - event: x\n    title_vi: "a"\n    title_en: "b"\n    procedures:\n'
        '      - {code: "1.001193", title_vi: "A", title_en: "A"}\n'
        '      - {code: "1.001193", title_vi: "B", title_en: "B"}\n',
        # missing field
        'bundles:\n  - event: x\n    title_vi: "a"\n    procedures:\n'
        '      - {code: "1.001193", title_vi: "A", title_en: "A"}\n'
        '      - {code: "1.004222", title_vi: "B", title_en: "B"}\n',
        # not a mapping at all
        "- just\n- a list\n",
    ],
    ids=["code-format", "unquoted-code", "empty-title", "long-title", "duplicate-code", "missing-field", "not-mapping"],
)
def test_malformed_file_raises(tmp_path, text):
    with pytest.raises(ValueError) as info:
        load_related(_write(tmp_path, text))
    assert str(info.value)


def test_duplicate_code_error_is_a_validation_error_naming_the_code(tmp_path):
    text = (
        'bundles:\n  - event: x\n    title_vi: "a"\n    title_en: "b"\n    procedures:\n'
        '      - {code: "1.001193", title_vi: "A", title_en: "A"}\n'
        '      - {code: "1.001193", title_vi: "B", title_en: "B"}\n'
    )
    with pytest.raises(ValidationError, match=r"1\.001193"):
        load_related(_write(tmp_path, text))
