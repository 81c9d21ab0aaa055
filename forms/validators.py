"""Validation and normalisation of what a citizen types into a form field.

Every validator is a pure function returning ``(value, None)`` when the answer is usable (``value`` normalised: a
name capitalised, a date as ``dd/mm/yyyy``) or ``(None, error_key)`` so the assistant can re-ask with a precise hint
(``error_message(error_key, lang)``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from forms.templates import FormField

Result = tuple[Any, str | None]

# Every lower-case Vietnamese letter (the 12 bases × 5 tone marks) plus the Latin letters Vietnamese does not use.
_VI_VOWELS = (
    "aàáảãạ" "ăằắẳẵặ" "âầấẩẫậ" "eèéẻẽẹ" "êềếểễệ" "iìíỉĩị" "oòóỏõọ" "ôồốổỗộ" "ơờớởỡợ" "uùúủũụ" "ưừứửữự" "yỳýỷỹỵ"
)  # fmt: skip
VIETNAMESE_LETTERS = frozenset(_VI_VOWELS + "bcdđghklmnpqrstvx" + "fjwz")
_NAME_JOINERS = "'-"

MIN_BIRTH_YEAR = 1900
MARKUP_RE = re.compile(r"<[^>]*>|<|>|javascript:|\{\{|\}\}|&#|&[a-z]+;", re.IGNORECASE)
_SQL_RE = re.compile(
    r"--|/\*|\*/|;\s*(select|insert|update|delete|drop|alter|create|truncate|exec)\b|\bunion\s+(all\s+)?select\b"
    r"|\b(drop|truncate|alter)\s+table\b|'\s*(or|and)\s+['\d\w]+\s*=",
    re.IGNORECASE,
)
# Characters an address may carry besides letters, digits and spaces: "Số 12/3, ngõ 45 (cạnh chợ) - P. Bến Nghé".
_ADDRESS_PUNCT = set(",./-()#:'\"&")
MAX_ADDRESS_LEN = 200
MAX_TEXT_LEN = 300

ERROR_MESSAGES: dict[str, dict[str, str]] = {
    "empty": {"vi": "Bạn chưa nhập thông tin này.", "en": "This field is empty."},
    "markup": {
        "vi": "Thông tin không được chứa ký hiệu như < > hoặc mã lệnh.",
        "en": "Please do not use symbols such as < > or code.",
    },
    "name_invalid_chars": {
        "vi": "Họ tên chỉ gồm chữ cái tiếng Việt và dấu cách, ví dụ: Nguyễn Văn An.",
        "en": "A name may contain only letters and spaces, e.g. Nguyễn Văn An.",
    },
    "name_has_digits": {"vi": "Họ tên không được chứa chữ số.", "en": "A name cannot contain digits."},
    "name_too_short": {
        "vi": "Vui lòng nhập đầy đủ họ, chữ đệm và tên (ít nhất 2 từ).",
        "en": "Please give the full name: family name and given name (at least 2 words).",
    },
    "name_too_long": {"vi": "Họ tên quá dài (tối đa 6 từ).", "en": "The name is too long (6 words at most)."},
    "date_format": {
        "vi": "Vui lòng nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2024.",
        "en": "Please enter the date as day/month/year, e.g. 05/03/2024.",
    },
    "date_impossible": {
        "vi": "Ngày này không tồn tại, bạn kiểm tra lại ngày và tháng nhé.",
        "en": "That date does not exist; please check the day and month.",
    },
    "date_future": {"vi": "Ngày này chưa tới, bạn kiểm tra lại nhé.", "en": "That date is in the future."},
    "date_too_old": {
        "vi": f"Năm phải từ {MIN_BIRTH_YEAR} trở đi.",
        "en": f"The year must be {MIN_BIRTH_YEAR} or later.",
    },
    "datetime_format": {
        "vi": "Vui lòng nhập giờ và ngày, ví dụ: 14 giờ 30 phút ngày 05/03/2024.",
        "en": "Please give the time and date, e.g. 14:30 05/03/2024.",
    },
    "datetime_impossible": {
        "vi": "Giờ hoặc ngày này không tồn tại, bạn kiểm tra lại nhé.",
        "en": "That time or date does not exist.",
    },
    "id_cmnd": {
        "vi": "Đây là số CMND 9 số cũ. Vui lòng nhập số định danh cá nhân/CCCD gồm 12 chữ số.",
        "en": "That is an old 9-digit ID card number. Please give the 12-digit personal identification number.",
    },
    "id_length": {
        "vi": "Số định danh cá nhân/CCCD phải có đúng 12 chữ số.",
        "en": "The personal identification number has exactly 12 digits.",
    },
    "id_format": {
        "vi": "Số định danh cá nhân chỉ gồm chữ số.",
        "en": "The identification number contains digits only.",
    },
    "phone_format": {
        "vi": "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 (hoặc +84).",
        "en": "A mobile number has 10 digits starting with 03, 05, 07, 08 or 09 (or +84).",
    },
    "email_format": {"vi": "Địa chỉ email chưa đúng, ví dụ: ten@gmail.com.", "en": "That email address is invalid."},
    "address_too_long": {
        "vi": f"Địa chỉ quá dài (tối đa {MAX_ADDRESS_LEN} ký tự).",
        "en": f"The address is too long ({MAX_ADDRESS_LEN} characters at most).",
    },
    "address_incomplete": {
        "vi": "Địa chỉ cần có số nhà hoặc thôn/tổ, xã/phường và tỉnh, ví dụ: Số 5, tổ 2, phường Bãi Cháy, Quảng Ninh.",
        "en": "Please give a full address: house or hamlet, commune or ward, province.",
    },
    "address_invalid_chars": {
        "vi": "Địa chỉ chứa ký tự không hợp lệ; chỉ dùng chữ, số, dấu phẩy, chấm, gạch chéo.",
        "en": "The address contains characters that are not allowed.",
    },
    "text_too_long": {
        "vi": f"Nội dung quá dài (tối đa {MAX_TEXT_LEN} ký tự).",
        "en": f"Too long ({MAX_TEXT_LEN} characters at most).",
    },
    "text_invalid_chars": {"vi": "Nội dung chứa ký tự không hợp lệ.", "en": "The text contains invalid characters."},
    "choice_unknown": {"vi": "Vui lòng chọn một trong các lựa chọn.", "en": "Please pick one of the options."},
    "number_format": {"vi": "Vui lòng nhập một con số, ví dụ: 2.", "en": "Please enter a number, e.g. 2."},
    "number_range": {"vi": "Con số nằm ngoài khoảng cho phép.", "en": "That number is out of range."},
}


def error_message(error_key: str, lang: str = "vi") -> str:
    messages = ERROR_MESSAGES.get(error_key, ERROR_MESSAGES["empty"])
    return messages.get(lang, messages["vi"])


# ---------------------------------------------------------------- helpers


def _clean(text: Any) -> str:
    if text is None:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip()


def strip_tones(text: str) -> str:
    """ASCII folding for comparisons: "Nữ" → "nu", "Đã ly hôn" → "da ly hon"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _has_markup(text: str) -> bool:
    return bool(MARKUP_RE.search(text))


def _has_sql(text: str) -> bool:
    return bool(_SQL_RE.search(text))


def _is_letter(ch: str) -> bool:
    return ch.lower() in VIETNAMESE_LETTERS


def _capitalise_word(word: str) -> str:
    parts = re.split(r"([" + re.escape(_NAME_JOINERS) + "])", word.lower())
    return "".join(p[:1].upper() + p[1:] if p not in _NAME_JOINERS else p for p in parts)


# ---------------------------------------------------------------- names


def validate_name(text: Any) -> Result:
    """A Vietnamese full name: 2–6 words of letters; "nguyễn  văn an" → "Nguyễn Văn An"."""
    s = _clean(text)
    if not s:
        return None, "empty"
    if _has_markup(s):
        return None, "markup"
    if any(ch.isdigit() for ch in s):
        return None, "name_has_digits"
    words = s.split(" ")
    for word in words:
        if word[0] in _NAME_JOINERS or word[-1] in _NAME_JOINERS:
            return None, "name_invalid_chars"
        if any(not (_is_letter(ch) or ch in _NAME_JOINERS) for ch in word):
            return None, "name_invalid_chars"
        if re.search(r"['-]{2}", word):
            return None, "name_invalid_chars"
    if len(words) < 2:
        return None, "name_too_short"
    if len(words) > 6:
        return None, "name_too_long"
    return " ".join(_capitalise_word(w) for w in words), None


# ---------------------------------------------------------------- dates

_NUM_DATE_RE = re.compile(r"^(?:ng[aà]y\s+)?(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORD_DATE_RE = re.compile(r"^(?:ngay\s+)?(?:mung\s+|mong\s+)?(\d{1,2})\s+thang\s+(\d{1,2})\s*,?\s+(?:nam\s+)?(\d{4})$")


def _date_parts(s: str) -> tuple[int, int, int] | None:
    folded = strip_tones(s).strip(" .")
    if m := _ISO_DATE_RE.match(folded):
        return int(m[3]), int(m[2]), int(m[1])
    for rx in (_NUM_DATE_RE, _WORD_DATE_RE):
        if m := rx.match(folded):
            return int(m[1]), int(m[2]), int(m[3])
    return None


def parse_date(text: Any) -> date | None:
    """A ``date`` from any accepted spelling, or ``None``; no range checks."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    parts = _date_parts(_clean(text))
    if parts is None:
        return None
    try:
        return date(parts[2], parts[1], parts[0])
    except ValueError:
        return None


def validate_date(
    text: Any,
    *,
    allow_future: bool = False,
    min_year: int = MIN_BIRTH_YEAR,
    today: date | None = None,
) -> Result:
    """dd/mm/yyyy, d/m/yyyy, 12-3-2024, 12.3.2024, 2024-03-12, "12 tháng 3 năm 2024" → "12/03/2024"."""
    if isinstance(text, (date, datetime)):
        d = text.date() if isinstance(text, datetime) else text
    else:
        s = _clean(text)
        if not s:
            return None, "empty"
        parts = _date_parts(s)
        if parts is None:
            return None, "date_format"
        try:
            d = date(parts[2], parts[1], parts[0])
        except ValueError:
            return None, "date_impossible"
    if d.year < min_year:
        return None, "date_too_old"
    if not allow_future and d > (today or date.today()):
        return None, "date_future"
    return d.strftime("%d/%m/%Y"), None


_TIME_RE = re.compile(
    r"^(?:luc\s+)?(\d{1,2})\s*(?:gio|h|:)\s*(?:(\d{1,2})\s*(?:phut|p)?(?=[\s,]|$))?\s*(?:sang|chieu|toi|dem)?\s*,?\s*"
    r"(?:ngay\s+)?(.+)$"
)


_DATE_THEN_TIME_RE = re.compile(
    r"^(?:ngay\s+)?(.+?)\s*,?\s+(?:luc\s+)?(\d{1,2})\s*(?:gio|h|:)\s*(\d{1,2})?\s*(?:phut|p)?$"
)


def validate_datetime(text: Any, *, allow_future: bool = False, now: datetime | None = None) -> Result:
    """ "14 giờ 30 phút ngày 5/3/2024", "14h30 05/03/2024", "14:30 5-3-2024" → "14:30 05/03/2024"."""
    if isinstance(text, datetime):
        dt = text
    else:
        s = _clean(text)
        if not s:
            return None, "empty"
        folded = strip_tones(s)
        if m := _TIME_RE.match(folded):
            hour, minute, date_text = int(m[1]), int(m[2] or 0), m[3]
        elif m := _DATE_THEN_TIME_RE.match(folded):
            hour, minute, date_text = int(m[2]), int(m[3] or 0), m[1]
        else:
            return None, "datetime_format"
        parts = _date_parts(date_text)
        if parts is None:
            return None, "datetime_format"
        try:
            dt = datetime(parts[2], parts[1], parts[0], hour, minute)
        except ValueError:
            return None, "datetime_impossible"
    if dt.year < MIN_BIRTH_YEAR:
        return None, "date_too_old"
    if not allow_future and dt > (now or datetime.now()):
        return None, "date_future"
    return dt.strftime("%H:%M %d/%m/%Y"), None


# ---------------------------------------------------------------- numbers, ids, phones, emails


def validate_id_number(text: Any) -> Result:
    """A 12-digit personal identification number (số định danh cá nhân / CCCD); spaces and dots are ignored."""
    s = _clean(text)
    if not s:
        return None, "empty"
    digits = re.sub(r"[\s.\-]", "", s)
    if not digits.isdigit() or not digits.isascii():
        return None, "id_format"
    if len(digits) == 9:
        return None, "id_cmnd"
    if len(digits) != 12:
        return None, "id_length"
    return digits, None


_MOBILE_PREFIXES = ("3", "5", "7", "8", "9")


def validate_phone(text: Any) -> Result:
    """A Vietnamese mobile number: 0xxxxxxxxx (03/05/07/08/09) or +84 / 84 followed by 9 digits → "09xxxxxxxx"."""
    s = _clean(text)
    if not s:
        return None, "empty"
    compact = re.sub(r"[\s.\-()]", "", s)
    if compact.startswith("+84"):
        national = compact[3:]
    elif compact.startswith("84") and len(compact) == 11:
        national = compact[2:]
    elif compact.startswith("0"):
        national = compact[1:]
    else:
        return None, "phone_format"
    if not (national.isascii() and national.isdigit()) or len(national) != 9 or national[0] not in _MOBILE_PREFIXES:
        return None, "phone_format"
    return "0" + national, None


_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def validate_email(text: Any) -> Result:
    s = _clean(text)
    if not s:
        return None, "empty"
    if len(s) > 254 or ".." in s or not _EMAIL_RE.match(s):
        return None, "email_format"
    return s.lower(), None


_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
}  # fmt: skip


def validate_number(text: Any, *, min_value: int | None = None, max_value: int | None = None) -> Result:
    """An integer, written in digits or as a Vietnamese word 1–10 ("2", "2 bản", "hai bản", "lần thứ hai")."""
    if isinstance(text, bool):
        return None, "number_format"
    if isinstance(text, int):
        n = text
    else:
        s = strip_tones(_clean(text))
        if not s:
            return None, "empty"
        s = re.sub(r"^(lan thu|thu|lan)\s+", "", s)
        s = re.sub(r"\s*(ban|lan|cai)$", "", s).strip()
        if s.isascii() and s.isdigit():
            n = int(s)
        elif s in _NUMBER_WORDS:
            n = _NUMBER_WORDS[s]
        elif s == "nhat":  # "lần thứ nhất"
            n = 1
        else:
            return None, "number_format"
    if (min_value is not None and n < min_value) or (max_value is not None and n > max_value):
        return None, "number_range"
    return n, None


def validate_copies(text: Any) -> Result:
    """Number of copies requested: 1–10."""
    return validate_number(text, min_value=1, max_value=10)


# ---------------------------------------------------------------- free text, addresses, choices


def validate_address(text: Any) -> Result:
    s = _clean(text)
    if not s:
        return None, "empty"
    if _has_markup(s):
        return None, "markup"
    if len(s) > MAX_ADDRESS_LEN:
        return None, "address_too_long"
    if _has_sql(s) or any(not (_is_letter(ch) or ch.isdigit() or ch == " " or ch in _ADDRESS_PUNCT) for ch in s):
        return None, "address_invalid_chars"
    if sum(_is_letter(ch) for ch in s) < 3:  # "0221980120" is no address
        return None, "address_incomplete"
    return s, None


def validate_text(text: Any, *, max_len: int = MAX_TEXT_LEN) -> Result:
    """Free text (dân tộc, nguyên nhân chết, mục đích…): printable, no markup, bounded."""
    s = _clean(text)
    if not s:
        return None, "empty"
    if _has_markup(s):
        return None, "markup"
    if len(s) > max_len:
        return None, "text_too_long"
    if _has_sql(s) or any(unicodedata.category(ch)[0] in "CS" and ch not in "/+%&" for ch in s):
        return None, "text_invalid_chars"
    return s, None


CHOICE_ALIASES: dict[str, tuple[str, ...]] = {
    "Nam": ("male", "m", "trai", "con trai", "dan ong", "đàn ông"),
    "Nữ": ("female", "f", "gai", "con gai", "phu nu", "phụ nữ", "dan ba"),
    "Chưa đăng ký kết hôn": ("chua ket hon", "doc than", "chua vo", "chua chong", "chua co vo", "chua co chong"),
    "Đang có vợ/chồng": ("da ket hon", "co vo", "co chong", "dang co vo", "dang co chong"),
    "Đã ly hôn": ("ly hon", "da ly di", "ly di"),
    "Vợ/chồng đã chết": ("goa", "vo da mat", "chong da mat", "vo chet", "chong chet", "vo da chet", "chong da chet"),
}


def validate_choice(text: Any, choices: tuple[str, ...] | list[str]) -> Result:
    """Match with or without tone marks or case: "nu" → "Nữ"; a few everyday synonyms (``CHOICE_ALIASES``)."""
    s = _clean(text)
    if not s:
        return None, "empty"
    folded = strip_tones(s).strip(" .!")
    for choice in choices:
        if folded == strip_tones(choice):
            return choice, None
    for choice in choices:
        if any(folded == strip_tones(alias) for alias in CHOICE_ALIASES.get(choice, ())):
            return choice, None
    return None, "choice_unknown"


# ---------------------------------------------------------------- dispatch by field


def validate_field(f: FormField, text: Any, *, today: date | None = None) -> Result:
    """Validate an answer for a template field according to its kind and bounds."""
    validators: Mapping[str, Callable[[Any], Result]] = {
        "name": validate_name,
        "date": lambda v: validate_date(v, today=today),
        "datetime": validate_datetime,
        "id_number": validate_id_number,
        "phone": validate_phone,
        "email": validate_email,
        "address": validate_address,
        "text": validate_text,
        "choice": lambda v: validate_choice(v, f.choices),
        "number": lambda v: validate_number(v, min_value=f.min_value, max_value=f.max_value),
    }
    return validators[f.kind](text)


# ---------------------------------------------------------------- dates in words

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _two_digits_words(n: int) -> str:
    """0–99 as read in Vietnamese: 5 → năm, 15 → mười lăm, 21 → hai mươi mốt, 24 → hai mươi bốn."""
    if n < 10:
        return _DIGITS[n]
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        tail = "lăm"
    elif unit == 1 and tens > 1:
        tail = "mốt"
    else:
        tail = _DIGITS[unit]
    return f"{head} {tail}"


def number_in_words(n: int) -> str:
    """0–9999 in Vietnamese words: 2026 → "hai nghìn không trăm hai mươi sáu", 2005 → "... không trăm linh năm"."""
    if not 0 <= n <= 9999:
        raise ValueError("number_in_words handles 0–9999")
    if n < 100:
        return _two_digits_words(n)
    thousands, rest = divmod(n, 1000)
    hundreds, below = divmod(rest, 100)
    words: list[str] = []
    if thousands:
        words.append(f"{_DIGITS[thousands]} nghìn")
        if rest == 0:
            return " ".join(words)
    if thousands or hundreds:
        words.append(f"{_DIGITS[hundreds]} trăm")
    if below:
        words.append(f"linh {_DIGITS[below]}" if below < 10 else _two_digits_words(below))
    return " ".join(words)


_MONTHS = ("", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai")


def date_in_words(value: date | str) -> str:
    """ "Ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu" for 25/11/2026."""
    d = parse_date(value)
    if d is None:
        raise ValueError(f"not a date: {value!r}")
    return f"Ngày {_two_digits_words(d.day)} tháng {_MONTHS[d.month]} năm {number_in_words(d.year)}"
