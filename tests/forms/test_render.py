import json
import os
import shutil
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from forms.render import BOLD, ITALIC, REGULAR, VALUE, register_fonts, render_json, render_pdf
from forms.templates import FORM_TEMPLATES, get_template
from forms.validators import VIETNAMESE_LETTERS
from tests.forms.samples import SAMPLES

SIGNED_ON = date(2025, 12, 1)


def _squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _expected_strings(key: str, values: dict) -> list[str]:
    t = get_template(key)
    out = []
    for k, v in values.items():
        if k in {tab.key for tab in t.tables}:
            for row in v:
                out.extend(str(x) for x in row.values())
        elif t.field(k).kind == "datetime":
            hhmm, dmy = v.split(" ")
            d, m, y = dmy.split("/")
            out.append(f"{hhmm[:2]} giờ {hhmm[3:]} phút, ngày {d} tháng {m} năm {y}")
        else:
            out.append(str(v))
    return out


def test_samples_cover_every_form():
    assert set(SAMPLES) == set(FORM_TEMPLATES)


@pytest.mark.parametrize("key", sorted(FORM_TEMPLATES))
def test_pdf_contains_the_entered_values(key, tmp_path):
    values = SAMPLES[key]
    path = render_pdf(key, values, tmp_path / f"{key}.pdf", signed_on=SIGNED_ON)
    assert path.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(str(path))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    text = _squash(_pdf_text(path))
    for expected in _expected_strings(key, values):
        assert _squash(expected) in text, expected
    t = get_template(key)
    for fixed in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", t.title_vi, "Kính gửi",
                  f"Mẫu {t.template_code}", "ngày 01 tháng 12 năm 2025", *t.signers):  # fmt: skip
        assert _squash(fixed).lower() in text.lower(), fixed
    assert "\ufffd" not in text


def test_birth_pdf_prints_the_date_in_words(tmp_path):
    text = _squash(_pdf_text(render_pdf("khai_sinh", SAMPLES["khai_sinh"], tmp_path / "ks.pdf")))
    assert _squash("Ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi lăm") in text
    assert _squash("Người yêu cầu") in text and _squash("(Ký, ghi rõ họ, chữ đệm, tên)") in text
    assert _squash("Làm tại: Thành phố Hồ Chí Minh") in text


def test_ct01_pdf_has_the_members_table_and_signatures(tmp_path):
    text = _squash(_pdf_text(render_pdf("ct01", SAMPLES["ct01"], tmp_path / "ct01.pdf")))
    for header in ("Họ, chữ đệm và tên", "Số định danh cá nhân", "Mối quan hệ với chủ hộ",
                   "Những thành viên trong hộ gia đình cùng thay đổi", "NGƯỜI KÊ KHAI", "Ý KIẾN CỦA CHỦ HỘ",
                   "66/2023/TT-BCA"):  # fmt: skip
        assert _squash(header) in text, header
    assert "001188009876" in text  # boxed digits extract as one number


def test_empty_form_renders_blank_lines(tmp_path):
    for key in FORM_TEMPLATES:
        path = render_pdf(key, {}, tmp_path / f"{key}-blank.pdf", signed_on=SIGNED_ON)
        text = _squash(_pdf_text(path))
        assert _squash(get_template(key).title_vi) in text
        assert "Nguyễn" not in text


def test_long_members_list_flows_onto_a_second_page(tmp_path):
    members = [
        {"ho_ten": f"Thành Viên Số {chr(65 + i)}", "ngay_sinh": "01/01/2000", "gioi_tinh": "Nam",
         "so_dinh_danh": f"0012000{i:05d}", "quan_he_chu_ho": "Cháu"}
        for i in range(15)
    ]  # fmt: skip
    values = {**SAMPLES["ct01"], "thanh_vien": members}
    path = render_pdf("ct01", values, tmp_path / "many.pdf")
    reader = PdfReader(str(path))
    assert len(reader.pages) >= 2
    text = _squash(_pdf_text(path))
    for m in members:
        assert _squash(m["ho_ten"]) in text and m["so_dinh_danh"] in text


def test_very_long_values_wrap_instead_of_running_off(tmp_path):
    long_address = "Số 1 đường Nguyễn Thị Minh Khai, " * 5 + "Thành phố Hồ Chí Minh"
    values = {**SAMPLES["khai_sinh"], "nyc_noi_cu_tru": long_address[:200]}
    path = render_pdf("khai_sinh", values, tmp_path / "long.pdf")
    assert _squash(long_address[:200]) in _squash(_pdf_text(path))


def test_unknown_field_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown field"):
        render_pdf("khai_sinh", {"ho_chieu": "x"}, tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="unknown field"):
        render_json("ct01", {"nyc_ho_ten": "x"})


def test_embedded_fonts_have_every_vietnamese_letter():
    from reportlab.pdfbase import pdfmetrics

    assert register_fonts()
    letters = VIETNAMESE_LETTERS | {ch.upper() for ch in VIETNAMESE_LETTERS}
    for name in (REGULAR, BOLD, ITALIC, VALUE):
        cmap = pdfmetrics.getFont(name).face.charToGlyph
        missing = sorted(ch for ch in letters if ord(ch) not in cmap)
        assert not missing, (name, missing)


def test_pdf_embeds_truetype_fonts(tmp_path):
    path = render_pdf("ket_hon", SAMPLES["ket_hon"], tmp_path / "kh.pdf")
    fonts = set()
    for page in PdfReader(str(path)).pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(str(f.get_object()["/Subtype"]))
    assert fonts and all(s in ("/TrueType", "/Type0") for s in fonts)


@pytest.mark.parametrize("key", sorted(FORM_TEMPLATES))
def test_pdf_rasterises_to_a_preview_png(key, tmp_path):
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        # scripts/test.sh installs poppler-utils and sets MOTCUA_REQUIRE_BROWSER: there this fails, never skips.
        if os.environ.get("MOTCUA_REQUIRE_BROWSER"):
            pytest.fail("pdftoppm is missing (scripts/setup_browser.sh installs poppler-utils)")
        pytest.skip("poppler-utils (pdftoppm) is not installed")

    pdf = render_pdf(key, SAMPLES[key], tmp_path / f"{key}.pdf", signed_on=SIGNED_ON)
    stem = Path(f"/tmp/forms-preview-{key}")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(stem)], check=True)
    png = stem.with_suffix(".png")
    with Image.open(png) as img:
        w, h = img.size
        assert abs(h / w - 842 / 595) < 0.02
        gray = img.convert("L")
        dark = sum(gray.histogram()[:128])
        assert 0.005 < dark / (w * h) < 0.2  # ink on the page, but not a black page


# ---------------------------------------------------------------- JSON


@pytest.mark.parametrize("key", sorted(FORM_TEMPLATES))
def test_json_document_shape(key):
    now = datetime(2025, 12, 1, 8, 30, tzinfo=UTC)
    doc = render_json(key, SAMPLES[key], now=now)
    t = get_template(key)
    assert set(doc) == {"form", "procedure_code", "template", "fields", "generated_at"}
    assert doc["form"] == key and doc["procedure_code"] == t.procedure_code and doc["template"] == t.template_code
    assert doc["generated_at"] == "2025-12-01T08:30:00+00:00"
    assert set(doc["fields"]) == set(t.keys)
    for k, v in SAMPLES[key].items():
        assert doc["fields"][k] == v
    json.loads(json.dumps(doc, ensure_ascii=False))


def test_json_fills_missing_with_none_and_serialises_dates():
    doc = render_json("khai_sinh", {"ks_ngay_sinh": date(2026, 11, 25), "ks_ho_ten": "Lê Ánh"})
    fields = doc["fields"]
    assert fields["ks_ngay_sinh"] == "25/11/2026"
    assert fields["ks_ngay_sinh_bang_chu"] == "Ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu"
    assert fields["me_ho_ten"] is None
    datetime.fromisoformat(doc["generated_at"])
    ct = render_json("ct01", {"thanh_vien": [{"ho_ten": "Vũ An", "ngay_sinh": date(2015, 6, 9)}]})
    assert ct["fields"]["thanh_vien"] == [
        {"ho_ten": "Vũ An", "ngay_sinh": "09/06/2015", "gioi_tinh": None, "so_dinh_danh": None, "quan_he_chu_ho": None}
    ]
