"""Reading and writing the form conversation: which form is wanted, the question for a field, which field a
correction names ("sửa ngày sinh của bé"), and the summary shown before the form is made.

The field labels are the official templates' (``forms.templates``); the words around them are here, in Vietnamese
and English, next to each other.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from rapidfuzz import fuzz

from backends.identity.model import mask_id_number
from forms.templates import FormField, get_template
from knowledge_base.text import expand_shorthand
from knowledge_base.text import fold as _fold

MAX_SUMMARY_CHARS = 1500
MAX_VALUE_CHARS = 60
SAME_AS_ABOVE_MIN_CHARS = 25  # a long value (an address) shown again is written "như trên"
_SAME_AS_ABOVE = ("như trên", "as above")

# Words that name each form, folded (no tone marks); the first match wins, so the more specific come first.
_FORM_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("xac_nhan_hon_nhan", ("tinh trang hon nhan", "xac nhan hon nhan", "doc than", "marital status", "single status")),
    ("ket_hon", ("ket hon", "cuoi", "marriage", "marry")),
    ("khai_tu", ("khai tu", "bao tu", "qua doi", "da mat", "death")),
    ("khai_sinh", ("khai sinh", "birth")),
    (
        "ct01",
        ("ct01", "ct 01", "cu tru", "thuong tru", "tam tru", "ho khau", "chuyen khau", "tach ho", "residence"),
    ),
)

_SUBJECT: dict[str, tuple[str, str]] = {
    "header": ("", ""),
    "nguoi_yeu_cau": ("của người đi làm thủ tục", "of the person filing"),
    "nguoi_duoc_khai_sinh": ("của bé", "of the child"),
    "cha": ("của người cha", "of the father"),
    "me": ("của người mẹ", "of the mother"),
    "ben_nu": ("của bên nữ", "of the bride"),
    "ben_nam": ("của bên nam", "of the groom"),
    "nguoi_da_chet": ("của người đã mất", "of the deceased"),
    "giay_bao_tu": ("trên giấy báo tử", "on the death notice"),
    "nguoi_duoc_cap": ("của người được xác nhận", "of the person certified"),
    "nguoi_ke_khai": ("của người kê khai", "of the declarant"),
    "chu_ho": ("của chủ hộ", "of the household head"),
    "de_nghi": ("", ""),
    "ban_sao": ("", ""),
    "ky_ten": ("", ""),
}
_SECTION_SHORT: dict[str, tuple[str, str]] = {
    "header": ("Nơi nộp", "Filed with"),
    "nguoi_yeu_cau": ("Người đi làm thủ tục", "Filed by"),
    "nguoi_duoc_khai_sinh": ("Bé", "Child"),
    "cha": ("Cha", "Father"),
    "me": ("Mẹ", "Mother"),
    "ben_nu": ("Bên nữ", "Bride"),
    "ben_nam": ("Bên nam", "Groom"),
    "nguoi_da_chet": ("Người đã mất", "Deceased"),
    "giay_bao_tu": ("Giấy báo tử", "Death notice"),
    "nguoi_duoc_cap": ("Người được xác nhận", "Certificate for"),
    "nguoi_ke_khai": ("Người kê khai", "Declarant"),
    "chu_ho": ("Chủ hộ", "Household head"),
    "de_nghi": ("Nội dung đề nghị", "Request"),
    "ban_sao": ("Bản sao", "Copies"),
    "ky_ten": ("Làm tại", "Signed at"),
}
_HINTS: dict[str, tuple[str, str]] = {
    "name": ("ví dụ: Nguyễn Minh An", "e.g. Nguyễn Minh An"),
    "date": ("ngày/tháng/năm, ví dụ 24/11/2026", "day/month/year, e.g. 24/11/2026"),
    "datetime": ("giờ và ngày, ví dụ 14:30 05/03/2026", "time and date, e.g. 14:30 05/03/2026"),
    "id_number": ("12 chữ số", "12 digits"),
    "address": ("số nhà, thôn/tổ, xã/phường, tỉnh", "house, street, commune, province"),
    "phone": ("10 chữ số", "10 digits"),
    "number": ("một con số", "a number"),
}
# Fields whose label alone is no question for a citizen.
_QUESTIONS: dict[str, tuple[str, str]] = {
    "kinh_gui": (
        "Bạn nộp tờ khai ở cơ quan nào? (ví dụ: Ủy ban nhân dân phường Bãi Cháy)",
        "Which office will you file it with? (e.g. Ủy ban nhân dân phường Bãi Cháy)",
    ),
}
# Answers offered as buttons (the citizen may still type anything else).
SUGGESTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("khai_sinh", "nyc_quan_he"): ("Cha", "Mẹ", "Ông", "Bà"),
    ("khai_tu", "nyc_quan_he"): ("Vợ", "Chồng", "Con", "Cha", "Mẹ"),
    ("khai_tu", "kt_nguyen_nhan"): ("Bệnh", "Tuổi già", "Tai nạn"),
    ("xac_nhan_hon_nhan", "nyc_quan_he"): ("Bản thân",),
    ("xac_nhan_hon_nhan", "xn_muc_dich"): ("Để đăng ký kết hôn", "Để bổ sung hồ sơ vay vốn", "Để mua bán nhà đất"),
    ("ct01", "quan_he_chu_ho"): ("Chủ hộ", "Vợ", "Chồng", "Con", "Cha", "Mẹ"),
    ("ct01", "noi_dung_de_nghi"): ("Đăng ký thường trú", "Đăng ký tạm trú", "Tách hộ", "Điều chỉnh thông tin"),
    ("ket_hon", "nu_lan_ket_hon"): ("1", "2", "3"),
    ("ket_hon", "nam_lan_ket_hon"): ("1", "2", "3"),
}
_SUGGESTIONS_BY_SUFFIX: dict[str, tuple[str, ...]] = {"dan_toc": ("Kinh",), "quoc_tich": ("Việt Nam",)}
# Everyday words for the labels' words, folded: "sửa địa chỉ" names a "nơi cư trú".
_FIELD_ALIASES = {
    "dia chi": "noi cu tru",
    "cho o": "noi cu tru",
    "cccd": "so dinh danh",
    "cmnd": "so dinh danh",
    "can cuoc": "so dinh danh",
    "ten": "ho chu dem ten",
    "ho ten": "ho chu dem ten",
    "sdt": "so dien thoai",
    "dt": "dien thoai",
    "gioi": "gioi tinh",
    "que": "que quan",
    "mat": "chet",
    "qua doi": "chet",
    "chong": "ben nam",
    "vo": "ben nu",
}
_CORRECTION_RE = re.compile(
    r"^(?:(?:xin|cho|cho toi|toi|em|minh|bac|chau)\s+)?(?:muon\s+)?(?:xin\s+)?"
    r"(?:sua lai|sua|doi lai|doi|chinh sua|chinh lai|thay doi|nhap lai|ghi lai|change|correct|fix|edit)\b\s*(.*)$"
)
_VALUE_SPLIT_RE = re.compile(r"\s+(?:thành|thanh|là|la|to|=)\s+|\s*:\s*", re.IGNORECASE)


def fold(text: str) -> str:
    """Lower case without tone marks, one character per character (so positions map back to the original)."""
    return _fold(text).lower()


_STOPWORDS = {"lai", "muc", "giup", "voi", "nhe", "a", "di", "the", "cai", "phan", "thong", "tin", "cho", "toi", "em"}


def detect_form_kind(text: str) -> str | None:
    """The form a message asks for ("điền tờ khai khai sinh" → ``"khai_sinh"``), or None."""
    folded = f" {fold(expand_shorthand((text or '')[:300]))} "
    for kind, words in _FORM_WORDS:
        if any(f" {w} " in folded or folded.strip().startswith(w) for w in words):
            return kind
    return None


def form_title(form_key: str, lang: str) -> str:
    t = get_template(form_key)
    return t.title_en if lang == "en" else t.title_vi.capitalize()


def question(form_key: str, f: FormField, lang: str) -> str:
    """ "Họ, chữ đệm, tên của bé? (ví dụ: Nguyễn Minh An)" — one field, in the citizen's language."""
    i = 1 if lang == "en" else 0
    if f.key in _QUESTIONS:
        return _QUESTIONS[f.key][i]
    subject = _SUBJECT.get(f.section, ("", ""))[i]
    label = f.label_en if lang == "en" else f.label_vi
    whose = subject.removeprefix("của ").removeprefix("trên ")
    if lang != "en" and subject and whose.lower() not in label.lower():
        label = f"{label} {subject}"
    hint = _HINTS.get(f.kind, ("", ""))[i]
    return f"{label}?" + (f" ({hint})" if hint else "")


def suggestions(form_key: str, f: FormField) -> tuple[str, ...]:
    if f.kind == "choice":
        return f.choices
    if (form_key, f.key) in SUGGESTIONS:
        return SUGGESTIONS[(form_key, f.key)]
    for suffix, offered in _SUGGESTIONS_BY_SUFFIX.items():
        if f.key.endswith(suffix):
            return offered
    return ()


def correction_request(text: str) -> tuple[str, str | None] | None:
    """ "sửa ngày sinh của bé thành 20/11/2026" → ("ngày sinh của bé", "20/11/2026"); None when not a correction."""
    original = " ".join((text or "").split())[:300]
    match = _CORRECTION_RE.match(fold(original))
    if not match:
        return None
    # fold() keeps one character per character for Vietnamese text, so the folded match locates the original rest
    rest = original[len(original) - len(match.group(1)) :] if match.group(1) else ""
    parts = _VALUE_SPLIT_RE.split(rest, maxsplit=1)
    what = parts[0].strip(" ,.")
    value = parts[1].strip() if len(parts) > 1 and parts[1].strip() else None
    return what, value


def words(text: str) -> str:
    """The words of ``text``, folded and lower case, one space apart ("Đồng ý!" → "dong y")."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text or "")))


def _field_words(form_key: str, f: FormField) -> str:
    subject = _SUBJECT.get(f.section, ("", ""))
    return words(f"{f.label_vi} {subject[0]} {_SECTION_SHORT.get(f.section, ('', ''))[0]} {f.label_en} {subject[1]}")


def _query_words(text: str) -> str:
    folded = f" {fold(text)} "
    for short, long in _FIELD_ALIASES.items():
        folded = folded.replace(f" {short} ", f" {long} ")
    return " ".join(w for w in re.findall(r"[a-z0-9]+", folded) if w not in _STOPWORDS)


def fields_named(form_key: str, text: str, limit: int = 4) -> list[FormField]:
    """The fields of ``form_key`` that ``text`` names, best first; several when it is ambiguous, [] when none."""
    query = _query_words(text)
    if not query:
        return []
    words = set(query.split())
    scored: list[tuple[float, int, FormField]] = []
    for f in get_template(form_key).fields:
        field_words = _field_words(form_key, f)
        covered = len(words & set(field_words.split())) / len(words)
        score = 0.6 * covered * 100 + 0.4 * fuzz.token_set_ratio(query, field_words)
        scored.append((score, -len(field_words), f))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    best = scored[0][0]
    if best < 70:
        return []
    return [f for score, _, f in scored if score >= best - 3][:limit]


def display_value(f: FormField, value: Any) -> str:
    text = mask_id_number(str(value)) if f.kind == "id_number" else str(value)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def summary(form_key: str, values: Mapping[str, Any], lang: str) -> str:
    """The filled values section by section, one line each (ID numbers masked), short enough for a phone."""
    t = get_template(form_key)
    i = 1 if lang == "en" else 0
    lines: list[str] = []
    shown: set[str] = set()
    for section in t.sections:
        items = []
        for f in t.section_fields(section.key):
            if not values.get(f.key):
                continue
            text = display_value(f, values[f.key])
            long = len(text) > SAME_AS_ABOVE_MIN_CHARS
            items.append(_SAME_AS_ABOVE[i] if long and text in shown else text)
            if long:
                shown.add(text)
        if items:
            lines.append(f"• {_SECTION_SHORT.get(section.key, (section.key, section.key))[i]}: {' · '.join(items)}")
    text = "\n".join(lines)
    return text if len(text) <= MAX_SUMMARY_CHARS else text[: MAX_SUMMARY_CHARS - 1] + "…"
