"""Output of a filled form: an A4 PDF laid out like the official template, and a JSON document for the portal.

Font: Source Serif Pro (SIL OFL), shipped inside the PyPI package ``font-source-serif-pro``; it has every Vietnamese
glyph and gives the Times-like look of the printed forms. When that package is absent, Debian's DejaVu Serif
(``fonts-dejavu-core``) is used. Nothing is fetched at run time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from forms.templates import FormField, FormTable, FormTemplate, get_template
from forms.validators import date_in_words, parse_date

# ---------------------------------------------------------------- fonts

REGULAR, BOLD, ITALIC, VALUE = "MotcuaSerif", "MotcuaSerif-Bold", "MotcuaSerif-Italic", "MotcuaSerif-Value"
_DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
_font_source: str | None = None


def _font_files() -> tuple[str, dict[str, Path]]:
    try:
        import font_source_serif_pro
    except ImportError:
        pass
    else:
        d = Path(font_source_serif_pro.font_directory)
        files = {
            REGULAR: d / "SourceSerifPro-Regular.ttf",
            BOLD: d / "SourceSerifPro-Bold.ttf",
            # The packaged italics lack Vietnamese letters: italic is the upright face slanted when drawn.
            ITALIC: d / "SourceSerifPro-Regular.ttf",
            VALUE: d / "SourceSerifPro-Semibold.ttf",
        }
        if all(p.is_file() for p in files.values()):
            return "Source Serif Pro (font-source-serif-pro)", files
    files = {
        REGULAR: _DEJAVU_DIR / "DejaVuSerif.ttf",
        BOLD: _DEJAVU_DIR / "DejaVuSerif-Bold.ttf",
        ITALIC: _DEJAVU_DIR / "DejaVuSerif.ttf",
        VALUE: _DEJAVU_DIR / "DejaVuSerif-Bold.ttf",
    }
    if all(p.is_file() for p in files.values()):
        return "DejaVu Serif (fonts-dejavu-core)", files
    raise RuntimeError(
        "no font with Vietnamese glyphs: install the PyPI package font-source-serif-pro or Debian's fonts-dejavu-core"
    )


def register_fonts() -> str:
    """Register the embedded TrueType fonts once; returns which font family is used."""
    global _font_source
    if _font_source is None:
        source, files = _font_files()
        for name, path in files.items():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        _font_source = source
    return _font_source


_SLANT = 0.21  # tan(~12°): the synthetic italic


def _text(c: Canvas, x: float, y: float, s: str, font: str, size: float, align: str = "left") -> float:
    """Draw ``s`` (left, centre or right aligned on ``x``); returns the x where the text ends."""
    w = pdfmetrics.stringWidth(s, font, size)
    if align == "centre":
        x -= w / 2
    elif align == "right":
        x -= w
    if font == ITALIC:
        t = c.beginText()
        t.setFont(font, size)
        t.setTextTransform(1, 0, _SLANT, 1, x, y)
        t.textOut(s)
        c.drawText(t)
    else:
        c.setFont(font, size)
        c.drawString(x, y, s)
    return x + w


# ---------------------------------------------------------------- values


def _display(f: FormField | None, value: Any) -> str:
    """How a stored value is written on the paper form."""
    if value is None or value == "":
        return ""
    kind = f.kind if f else "text"
    if kind == "datetime":
        dt = value if isinstance(value, datetime) else _parse_datetime(str(value))
        if dt is not None:
            return f"{dt:%H} giờ {dt:%M} phút, ngày {dt:%d} tháng {dt:%m} năm {dt:%Y}"
    if kind == "date" or isinstance(value, date):
        d = parse_date(value)
        if d is not None:
            return d.strftime("%d/%m/%Y")
    return str(value)


def _parse_datetime(text: str) -> datetime | None:
    for fmt in ("%H:%M %d/%m/%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _json_value(f: FormField, value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.strftime("%H:%M %d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def _complete(t: FormTemplate, values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(t.keys))
    if unknown:
        raise ValueError(f"{t.key}: unknown field(s) {', '.join(unknown)}")
    out = dict(values)
    if t.key == "khai_sinh" and out.get("ks_ngay_sinh") and not out.get("ks_ngay_sinh_bang_chu"):
        out["ks_ngay_sinh_bang_chu"] = date_in_words(out["ks_ngay_sinh"])
    return out


# ---------------------------------------------------------------- JSON


def render_json(form_key: str, values: Mapping[str, Any], *, now: datetime | None = None) -> dict[str, Any]:
    """The form as a JSON document for the portal; every template key is present (``None`` when empty)."""
    t = get_template(form_key)
    vals = _complete(t, values)
    fields: dict[str, Any] = {f.key: _json_value(f, vals.get(f.key)) for f in t.fields}
    for table in t.tables:
        fields[table.key] = [
            {c.key: _json_value(c, (row or {}).get(c.key)) for c in table.columns} for row in vals.get(table.key) or []
        ]
    generated = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    return {
        "form": t.key,
        "procedure_code": t.procedure_code,
        "template": t.template_code,
        "fields": fields,
        "generated_at": generated,
    }


# ---------------------------------------------------------------- PDF layout

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 62.0, PAGE_W - 45.0, PAGE_H - 40.0, 50.0
SIZE = 12.0
LEADING = 19.5

# The rows of the "lines" layout: fields printed on the same line share a tuple (as on the paper forms).
_REQUESTER_ROWS: list[tuple[str, ...]] = [
    ("nyc_ho_ten",),
    ("nyc_ngay_sinh",),
    ("nyc_giay_to",),
    ("nyc_noi_cu_tru",),
    ("nyc_quan_he",),
]
ROWS: dict[str, list[tuple[str, ...]]] = {
    "khai_sinh": [
        *_REQUESTER_ROWS,
        ("ks_ho_ten",),
        ("ks_ngay_sinh",),
        ("ks_ngay_sinh_bang_chu",),
        ("ks_noi_sinh",),
        ("ks_gioi_tinh", "ks_dan_toc", "ks_quoc_tich"),
        ("ks_que_quan",),
        ("cha_ho_ten",),
        ("cha_nam_sinh", "cha_dan_toc", "cha_quoc_tich"),
        ("cha_noi_cu_tru",),
        ("me_ho_ten",),
        ("me_nam_sinh", "me_dan_toc", "me_quoc_tich"),
        ("me_noi_cu_tru",),
    ],
    "khai_tu": [
        *_REQUESTER_ROWS,
        ("kt_ho_ten",),
        ("kt_ngay_sinh", "kt_gioi_tinh"),
        ("kt_dan_toc", "kt_quoc_tich"),
        ("kt_noi_cu_tru",),
        ("kt_giay_to",),
        ("kt_thoi_gian_chet",),
        ("kt_noi_chet",),
        ("kt_nguyen_nhan",),
        ("gbt_so",),
        ("gbt_ngay_cap", "gbt_co_quan"),
    ],
    "xac_nhan_hon_nhan": [
        *_REQUESTER_ROWS,
        ("xn_ho_ten",),
        ("xn_ngay_sinh", "xn_gioi_tinh"),
        ("xn_dan_toc", "xn_quoc_tich"),
        ("xn_giay_to",),
        ("xn_noi_cu_tru",),
        ("xn_noi_cu_tru_truoc",),
        ("xn_cu_tru_tu_ngay", "xn_cu_tru_den_ngay"),
        ("xn_tinh_trang",),
        ("xn_tinh_trang_chi_tiet",),
        ("xn_muc_dich",),
    ],
    "ct01": [
        ("ho_ten",),
        ("ngay_sinh", "gioi_tinh"),
        ("so_dinh_danh",),
        ("so_dien_thoai", "email"),
        ("chu_ho_ho_ten", "quan_he_chu_ho"),
        ("chu_ho_so_dinh_danh",),
        ("noi_dung_de_nghi",),
    ],
}
_BOXED_IDS = {"ct01": {"so_dinh_danh", "chu_ho_so_dinh_danh"}}
_NUMBERED = {"ct01"}


class _Page:
    def __init__(self, c: Canvas) -> None:
        self.c = c
        self.y = TOP

    def ensure(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.c.showPage()
            self.y = TOP

    def width(self, text: str, font: str = REGULAR, size: float = SIZE) -> float:
        return pdfmetrics.stringWidth(text, font, size)

    def draw(self, x: float, text: str, font: str = REGULAR, size: float = SIZE, y: float | None = None) -> float:
        return _text(self.c, x, self.y if y is None else y, text, font, size)

    def centre(self, text: str, font: str = BOLD, size: float = SIZE, x0: float = LEFT, x1: float = RIGHT) -> None:
        _text(self.c, (x0 + x1) / 2, self.y, text, font, size, "centre")

    def dots(self, x0: float, x1: float, y: float | None = None) -> None:
        if x1 - x0 < 4:
            return
        c = self.c
        c.saveState()
        c.setLineCap(1)
        c.setLineWidth(0.9)
        c.setDash([0.01, 2.6])
        yy = (self.y if y is None else y) + 0.6
        c.line(x0 + 2, yy, x1, yy)
        c.restoreState()

    def paragraph(self, text: str, font: str = REGULAR, size: float = SIZE, indent: float = 28.0) -> None:
        lines = simpleSplit(text, font, size, RIGHT - LEFT - indent)
        # first line indented, following lines full width
        first, rest = lines[0], " ".join(lines[1:])
        self.ensure(LEADING)
        self.draw(LEFT + indent, first, font, size)
        self.y -= LEADING * 0.9
        for line in simpleSplit(rest, font, size, RIGHT - LEFT) if rest else []:
            self.ensure(LEADING)
            self.draw(LEFT, line, font, size)
            self.y -= LEADING * 0.9

    def labelled(self, label: str, value: str, x0: float = LEFT, x1: float = RIGHT) -> None:
        """ "Label: value ......" with the value wrapped onto dotted continuation lines when long."""
        self.ensure(LEADING)
        x = self.draw(x0, f"{label}: ")
        first_w = x1 - x - 4
        if not value:
            self.dots(x, x1)
            self.y -= LEADING
            return
        chunks = simpleSplit(value, VALUE, SIZE, first_w)
        if chunks and self.width(chunks[0], VALUE) > first_w:  # one unbreakable word: go to the next line
            chunks = ["", *simpleSplit(value, VALUE, SIZE, x1 - x0 - 4)]
        first = chunks[0] if chunks else ""
        end = self.draw(x + 2, first, VALUE) if first else x
        self.dots(end, x1)
        rest = " ".join(chunks[1:])
        self.y -= LEADING
        for line in simpleSplit(rest, VALUE, SIZE, x1 - x0 - 4) if rest else []:
            self.ensure(LEADING)
            end = self.draw(x0 + 2, line, VALUE)
            self.dots(end, x1)
            self.y -= LEADING

    def row(self, items: Sequence[tuple[str, str]]) -> None:
        """Several "label: value" pairs on one line, splitting the width; falls back to one per line if crowded."""
        if len(items) == 1:
            self.labelled(*items[0])
            return
        total = RIGHT - LEFT
        needs = [self.width(f"{lab}: ") + self.width(val, VALUE) + 30 for lab, val in items]
        if sum(needs) > total:
            for lab, val in items:
                self.labelled(lab, val)
            return
        spare = (total - sum(needs)) / len(items)
        self.ensure(LEADING)
        x = LEFT
        for (lab, val), need in zip(items, needs, strict=True):
            seg_end = x + need + spare
            x_val = self.draw(x, f"{lab}: ")
            end = self.draw(x_val + 2, val, VALUE) if val else x_val
            self.dots(end, seg_end - 6)
            x = seg_end
        self.y -= LEADING

    def boxed_digits(self, label: str, digits: str, n: int = 12) -> None:
        self.ensure(LEADING + 4)
        x = self.draw(LEFT, f"{label}: ") + 4
        box = 17.0
        c = self.c
        c.setLineWidth(0.7)
        for i in range(n):
            c.rect(x + i * box, self.y - 5, box, box + 2)
        if digits:
            t = c.beginText()
            t.setFont(VALUE, SIZE)
            digit_w = self.width("0", VALUE)
            t.setCharSpace(box - digit_w)
            t.setTextOrigin(x + (box - digit_w) / 2, self.y)
            t.textOut(digits[:n])
            t.setCharSpace(0)
            c.saveState()
            c.drawText(t)
            c.restoreState()
        self.y -= LEADING + 4


def _header(p: _Page, t: FormTemplate) -> None:
    c = p.c
    # Template code and legal basis in the top-right corner.
    corner_w = 245.0
    lines = simpleSplit(t.corner_text, ITALIC, 8.5, corner_w)
    y = PAGE_H - 26
    code = f"Mẫu {t.template_code}"
    if t.corner_text.startswith(code):  # CT01: "Mẫu CT01 ban hành kèm theo …" names the code itself
        lines = simpleSplit(t.corner_text[len(code) :].strip(), ITALIC, 8.5, corner_w)
    _text(c, RIGHT - corner_w / 2, y, code, BOLD, 9.5, "centre")
    for line in lines:
        y -= 10
        _text(c, RIGHT - corner_w / 2, y, line, ITALIC, 8.5, "centre")
    p.y = y - 24
    p.centre("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 12.5)
    p.y -= 16
    motto = "Độc lập - Tự do - Hạnh phúc"
    p.centre(motto, BOLD, 13)
    half = p.width(motto, BOLD, 13) / 2
    mid = (LEFT + RIGHT) / 2
    c.setLineWidth(0.8)
    c.line(mid - half, p.y - 4, mid + half, p.y - 4)
    p.y -= 40
    for line in simpleSplit(t.title_vi, BOLD, 15, RIGHT - LEFT):
        p.centre(line, BOLD, 15)
        p.y -= 20
    p.y -= 10


def _kinh_gui(p: _Page, t: FormTemplate, vals: Mapping[str, Any]) -> None:
    p.labelled("Kính gửi", _display(None, vals.get("kinh_gui")), LEFT + 45, RIGHT - 25)
    p.y -= 4


def _copies_line(p: _Page, t: FormTemplate, vals: Mapping[str, Any]) -> None:
    n = vals.get("so_ban_sao")
    if t.key == "xac_nhan_hon_nhan":
        p.labelled("Số lượng Giấy xác nhận đề nghị cấp", f"{n} bản" if n else "")
        return
    p.ensure(LEADING)
    x = p.draw(LEFT, "Đề nghị cấp bản sao: ")
    c = p.c
    for label, ticked in (("Có", bool(n)), ("Không", not n)):
        x = p.draw(x + 4, label)
        c.setLineWidth(0.7)
        c.rect(x + 4, p.y - 1.5, 10, 10)
        if ticked:
            p.draw(x + 5.6, "x", BOLD, 11)
        x += 22
    x = p.draw(x + 6, "; Số lượng: ")
    if n:
        x = p.draw(x + 2, str(n), VALUE)
    p.dots(x, x + 40)
    p.draw(x + 46, "bản")
    p.y -= LEADING


def _lines_body(p: _Page, t: FormTemplate, vals: Mapping[str, Any]) -> None:
    section_of = {f.key: f.section for f in t.fields}
    titles = {s.key: s.title_vi for s in t.sections}
    boxed = _BOXED_IDS.get(t.key, set())
    numbered = t.key in _NUMBERED
    number = 0
    current = None
    for keys in ROWS[t.key]:
        sec = section_of[keys[0]]
        if sec != current:
            current = sec
            if titles.get(sec):
                p.ensure(LEADING)
                p.draw(LEFT, titles[sec])
                p.y -= LEADING
        if keys[0] in boxed:
            number += 1
            f = t.field(keys[0])
            p.boxed_digits(f"{number}. {f.label_vi}" if numbered else f.label_vi, str(vals.get(keys[0]) or ""))
            continue
        items = []
        for k in keys:
            f = t.field(k)
            number += 1
            label = f"{number}. {f.label_vi}" if numbered else f.label_vi
            items.append((label, _display(f, vals.get(k))))
        p.row(items)


def _two_column_body(p: _Page, t: FormTemplate, vals: Mapping[str, Any]) -> None:
    left_fields = t.section_fields("ben_nu")
    right_fields = t.section_fields("ben_nam")
    c = p.c
    col0 = 150.0
    x0, x1, x2, x3 = LEFT, LEFT + col0, LEFT + col0 + (RIGHT - LEFT - col0) / 2, RIGHT
    pad = 5.0
    lead = 15.5
    c.setLineWidth(0.7)

    def cell_lines(text: str, font: str, width: float) -> list[str]:
        return simpleSplit(text, font, SIZE, width - 2 * pad) or [""]

    rows: list[tuple[list[str], list[str], list[str], bool]] = [
        (["Thông tin"], ["Bên nữ"], ["Bên nam"], True),
    ]
    for lf, rf in zip(left_fields, right_fields, strict=True):
        rows.append(
            (
                cell_lines(lf.label_vi, REGULAR, x1 - x0),
                cell_lines(_display(lf, vals.get(lf.key)), VALUE, x2 - x1),
                cell_lines(_display(rf, vals.get(rf.key)), VALUE, x3 - x2),
                False,
            )
        )
    for a, b, d, is_head in rows:
        height = max(len(a), len(b), len(d)) * lead + 2 * pad
        p.ensure(height)
        top = p.y + SIZE
        c.rect(x0, top - height, x3 - x0, height)
        c.line(x1, top, x1, top - height)
        c.line(x2, top, x2, top - height)
        for lines, left, right, font in (
            (a, x0, x1, BOLD if is_head else REGULAR),
            (b, x1, x2, BOLD if is_head else VALUE),
            (d, x2, x3, BOLD if is_head else VALUE),
        ):
            y = top - pad - SIZE + 2
            for line in lines:
                c.setFont(font, SIZE)
                if is_head:
                    c.drawCentredString((left + right) / 2, y, line)
                else:
                    c.drawString(left + pad, y, line)
                y -= lead
        p.y -= height
    p.y -= 10


def _members_table(p: _Page, table: FormTable, rows: Sequence[Mapping[str, Any]], number: int) -> None:
    p.ensure(LEADING * 3)
    p.draw(LEFT, f"{number}. {table.label_vi}:")
    p.y -= LEADING * 0.9
    c = p.c
    size = 10.5
    widths = [26.0, 128.0, 78.0, 52.0, 104.0]
    widths.append(RIGHT - LEFT - sum(widths))
    headers = ["TT"] + [col.label_vi for col in table.columns]
    head_lines = [simpleSplit(h, BOLD, size, w - 6) for h, w in zip(headers, widths, strict=True)]
    lead = 13.0
    pad = 4.0
    xs = [LEFT]
    for w in widths:
        xs.append(xs[-1] + w)

    def draw_row(cells: list[list[str]], font: str, centred: bool) -> None:
        height = max(len(x) for x in cells) * lead + 2 * pad
        height = max(height, 20.0)
        p.ensure(height)
        top = p.y
        c.setLineWidth(0.7)
        c.rect(LEFT, top - height, RIGHT - LEFT, height)
        for x in xs[1:-1]:
            c.line(x, top, x, top - height)
        for i, lines in enumerate(cells):
            y = top - pad - size + 1
            for line in lines:
                c.setFont(font, size)
                if centred or i == 0:
                    c.drawCentredString((xs[i] + xs[i + 1]) / 2, y, line)
                else:
                    c.drawString(xs[i] + 3, y, line)
                y -= lead
        p.y -= height

    p.y += 4
    draw_row(head_lines, BOLD, True)
    count = max(len(rows), table.min_rows_printed)
    for i in range(count):
        row = rows[i] if i < len(rows) else {}
        cells = [[str(i + 1)]] if i < len(rows) else [[""]]
        for col, w in zip(table.columns, widths[1:], strict=True):
            cells.append(simpleSplit(_display(col, row.get(col.key)), VALUE, size, w - 6) or [""])
        draw_row(cells, VALUE, False)
    p.y -= LEADING * 0.6


def _signature(p: _Page, t: FormTemplate, vals: Mapping[str, Any], signed_on: date) -> None:
    c = p.c
    n = len(t.signers)
    small = n > 2
    size = 10.0 if small else SIZE
    block_h = 150.0 if small else 130.0
    p.ensure(block_h)
    place = _display(None, vals.get("lam_tai"))
    date_text = f"ngày {signed_on:%d} tháng {signed_on:%m} năm {signed_on:%Y}"
    line = f"Làm tại: {place}, {date_text}" if place else f"Làm tại: ................., {date_text}"
    mid = (LEFT + RIGHT) / 2
    col_w = (RIGHT - LEFT) / n
    if n == 1:
        x_centre = mid + (RIGHT - mid) / 2 - 10
        half = p.width(line, ITALIC) / 2
        _text(c, min(x_centre - 20, RIGHT - half - 4), p.y, line, ITALIC, SIZE, "centre")
    else:
        _text(c, RIGHT, p.y, line, ITALIC, SIZE, "right")
    p.y -= LEADING
    top = p.y
    for i, (title, name_key) in enumerate(zip(t.signers, t.signer_name_keys, strict=True)):
        if n == 1:
            cx, width = mid + (RIGHT - mid) / 2 - 30, RIGHT - mid
        else:
            cx, width = LEFT + col_w * (i + 0.5), col_w - 6
        y = top
        for tl in simpleSplit(title.upper() if small else title, BOLD, size, width):
            c.setFont(BOLD, size)
            c.drawCentredString(cx, y, tl)
            y -= size + 3
        hint = "(Ký, ghi rõ họ, chữ đệm, tên)" if not small else "(Ký, ghi rõ họ tên)"
        if small and i < n - 1:
            hint = "(Ghi rõ nội dung đồng ý, ký, ghi rõ họ tên)"
        for hl in simpleSplit(hint, ITALIC, size - 1, width):
            _text(c, cx, y, hl, ITALIC, size - 1, "centre")
            y -= size + 2
        name = _display(None, vals.get(name_key)) if name_key else ""
        if name:
            c.setFont(VALUE, size)
            c.drawCentredString(cx, top - block_h + 40, name)
    p.y = top - block_h + 20


def render_pdf(form_key: str, values: Mapping[str, Any], path: str | Path, *, signed_on: date | None = None) -> Path:
    """Write the filled form as an A4 PDF at ``path`` and return the path."""
    t = get_template(form_key)
    vals = _complete(t, values)
    register_fonts()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    c = Canvas(str(out), pagesize=A4, pageCompression=1, initialFontName=REGULAR, initialFontSize=SIZE)
    c.setTitle(f"{t.title_vi.capitalize()} ({t.template_code})")
    c.setAuthor("motcua")
    c.setSubject(t.legal_source)
    p = _Page(c)
    _header(p, t)
    _kinh_gui(p, t, vals)
    if t.layout == "two_columns":
        _two_column_body(p, t, vals)
    else:
        _lines_body(p, t, vals)
    for table in t.tables:
        number = sum(len(keys) for keys in ROWS.get(t.key, [])) + 1
        _members_table(p, table, list(vals.get(table.key) or []), number)
    if any(f.key == "so_ban_sao" for f in t.fields):
        _copies_line(p, t, vals)
    if t.pledge_vi:
        p.y -= 4
        p.paragraph(t.pledge_vi)
    p.y -= 8
    _signature(p, t, vals, signed_on or date.today())
    c.showPage()
    c.save()
    return out
