import json
import re
from pathlib import Path

import pytest

from forms.render import ROWS
from forms.templates import (
    FIELD_KINDS,
    FORM_TEMPLATES,
    PREFILL_ATTRIBUTES,
    PREFILL_PERSONS,
    get_template,
    missing_fields,
    resolve_prefill,
)

CATALOGUE = Path(__file__).resolve().parents[2] / "knowledge_base" / "data" / "catalogue.jsonl"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def test_the_five_forms_and_their_procedure_codes():
    assert set(FORM_TEMPLATES) == {"khai_sinh", "ket_hon", "khai_tu", "ct01", "xac_nhan_hon_nhan"}
    codes = {k: t.procedure_code for k, t in FORM_TEMPLATES.items()}
    assert codes == {
        "khai_sinh": "1.001193",
        "ket_hon": "1.000894",
        "khai_tu": "1.000656",
        "xac_nhan_hon_nhan": "1.004873",
        "ct01": "1.004222",
    }


def test_procedure_codes_exist_in_the_catalogue():
    names = {}
    with CATALOGUE.open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            names[d["code"]] = d["name"]
    for t in FORM_TEMPLATES.values():
        for code in (t.procedure_code, *t.related_procedure_codes):
            assert code in names, (t.key, code)
    assert names["1.004222"] == "Đăng ký thường trú"
    assert "khai sinh" in names[FORM_TEMPLATES["khai_sinh"].procedure_code]


@pytest.mark.parametrize("key", sorted(FORM_TEMPLATES))
def test_fields_are_well_formed(key):
    t = FORM_TEMPLATES[key]
    assert t.key == key
    assert t.legal_source and t.corner_text and t.title_vi.isupper()
    keys = t.keys
    assert len(keys) == len(set(keys)), "duplicate keys"
    section_keys = {s.key for s in t.sections}
    all_fields = list(t.fields) + [c for table in t.tables for c in table.columns]
    for f in all_fields:
        assert SNAKE.match(f.key) and f.key.isascii(), f.key
        assert f.kind in FIELD_KINDS, f.kind
        assert f.label_vi.strip() and f.label_en.strip()
        assert bool(f.choices) == (f.kind == "choice"), f.key
        if f.kind == "number":
            assert f.min_value is not None and f.max_value is not None and f.min_value <= f.max_value
        if f.prefill_from is not None:
            person, _, attr = f.prefill_from.partition(".")
            assert person in PREFILL_PERSONS and attr in PREFILL_ATTRIBUTES, f.prefill_from
    for f in t.fields:
        assert f.section in section_keys, (f.key, f.section)
    for table in t.tables:
        cols = [c.key for c in table.columns]
        assert len(cols) == len(set(cols))
    assert len(t.signers) == len(t.signer_name_keys)
    for name_key in t.signer_name_keys:
        assert name_key is None or t.field(name_key).kind == "name"


@pytest.mark.parametrize("key", sorted(ROWS))
def test_line_layout_prints_every_field_once(key):
    t = FORM_TEMPLATES[key]
    printed = [k for row in ROWS[key] for k in row]
    assert len(printed) == len(set(printed))
    expected = {f.key for f in t.fields if f.section not in ("header", "ky_ten", "ban_sao")}
    assert set(printed) == expected


def test_marriage_form_has_parallel_columns():
    t = get_template("ket_hon")
    assert t.layout == "two_columns"
    bride, groom = t.section_fields("ben_nu"), t.section_fields("ben_nam")
    assert [f.label_vi for f in bride] == [f.label_vi for f in groom]
    assert [f.kind for f in bride] == [f.kind for f in groom]
    assert {f.key.removeprefix("nu_") for f in bride} == {f.key.removeprefix("nam_") for f in groom}
    labels = {f.label_vi for f in bride}
    assert {"Họ, chữ đệm, tên", "Dân tộc", "Quốc tịch", "Nơi cư trú", "Kết hôn lần thứ mấy"} <= labels
    assert all(f.prefill_from.startswith("bride.") for f in bride if f.prefill_from)


def test_ct01_has_the_official_items_and_members_table():
    t = get_template("ct01")
    assert t.template_code == "CT01" and "66/2023/TT-BCA" in t.legal_source
    for k in ("ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "so_dien_thoai", "email", "chu_ho_ho_ten",
              "quan_he_chu_ho", "chu_ho_so_dinh_danh", "noi_dung_de_nghi"):  # fmt: skip
        t.field(k)
    members = t.table("thanh_vien")
    assert [c.key for c in members.columns] == ["ho_ten", "ngay_sinh", "gioi_tinh", "so_dinh_danh", "quan_he_chu_ho"]
    assert t.field("so_dien_thoai").kind == "phone" and t.field("email").kind == "email"


def test_birth_form_fields():
    t = get_template("khai_sinh")
    assert "04/2020/TT-BTP" in t.legal_source
    assert t.field("ks_gioi_tinh").choices == ("Nam", "Nữ")
    assert t.field("ks_ngay_sinh_bang_chu").required is False
    assert t.field("cha_ho_ten").required is False  # a child may be registered without a father
    assert t.field("me_ho_ten").prefill_from == "mother.full_name"
    assert t.field("ks_ho_ten").prefill_from is None
    assert t.field("so_ban_sao").max_value == 10


def test_death_form_has_time_and_notice():
    t = get_template("khai_tu")
    assert t.field("kt_thoi_gian_chet").kind == "datetime"
    assert {"gbt_so", "gbt_ngay_cap", "gbt_co_quan", "kt_noi_chet", "kt_nguyen_nhan"} <= set(t.keys)


def test_resolve_prefill_and_missing_fields():
    identity = {
        "applicant": {"full_name": "Đặng Thị Hải Yến", "date_of_birth": "21/04/1988", "id_number": "001188009876",
                      "gender": "Nữ", "phone": "0912345678", "email": ""},
        "household_head": {"full_name": "Vũ Đức Thắng"},
    }  # fmt: skip
    values = resolve_prefill("ct01", identity)
    assert values["ho_ten"] == "Đặng Thị Hải Yến" and values["so_dinh_danh"] == "001188009876"
    assert "email" not in values  # empty identity data is not a value
    missing = [f.key for f in missing_fields("ct01", values)]
    assert "noi_dung_de_nghi" in missing and "kinh_gui" in missing and "chu_ho_so_dinh_danh" in missing
    assert "ho_ten" not in missing and "email" not in missing  # email is optional
    birth = resolve_prefill("khai_sinh", {"mother": {"full_name": "Trần Thị Mỹ Duyên", "date_of_birth": "02/05/1995"}})
    assert birth == {"me_ho_ten": "Trần Thị Mỹ Duyên", "me_nam_sinh": 1995}


def test_unknown_form():
    with pytest.raises(KeyError):
        get_template("ho_chieu")
