import unicodedata
from datetime import date, datetime

import pytest

from forms.templates import get_template
from forms.validators import (
    ERROR_MESSAGES,
    date_in_words,
    error_message,
    number_in_words,
    parse_date,
    validate_address,
    validate_choice,
    validate_copies,
    validate_date,
    validate_datetime,
    validate_email,
    validate_field,
    validate_id_number,
    validate_name,
    validate_number,
    validate_phone,
    validate_text,
)

TODAY = date(2025, 12, 1)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nguyễn văn an", "Nguyễn Văn An"),
        ("  NGUYỄN   THỊ   MINH  KHAI ", "Nguyễn Thị Minh Khai"),
        ("trần quốc toản", "Trần Quốc Toản"),
        ("Lê Ánh", "Lê Ánh"),
        ("ĐẶNG THÙY TRÂM", "Đặng Thùy Trâm"),
        ("phạm ngọc thạch", "Phạm Ngọc Thạch"),
        ("h'hen niê", "H'Hen Niê"),
        ("Công Tôn Nữ Thị Hoàng Oanh", "Công Tôn Nữ Thị Hoàng Oanh"),
        ("vũ  đức\tthắng", "Vũ Đức Thắng"),
        ("Ưng Hoàng Phúc", "Ưng Hoàng Phúc"),
    ],
)
def test_good_names(raw, expected):
    assert validate_name(raw) == (expected, None)


def test_names_with_every_vietnamese_tone_mark_and_letter():
    vowels = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
    for i in range(0, len(vowels), 6):
        group = vowels[i : i + 6]
        raw = f"đ{group[0]}m {' '.join('th' + v for v in group[1:])}"
        value, err = validate_name(raw)
        assert err is None, (raw, err)
        assert value.lower() == raw
        assert value.split(" ")[0].startswith("Đ")


def test_decomposed_unicode_name_is_normalised():
    decomposed = unicodedata.normalize("NFD", "nguyễn thị ánh")
    assert decomposed != "nguyễn thị ánh"
    assert validate_name(decomposed) == ("Nguyễn Thị Ánh", None)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("An", "name_too_short"),
        ("Nguyễn Văn Thị Minh Hoàng Anh Tuấn", "name_too_long"),
        ("Nguyễn Văn 2", "name_has_digits"),
        ("Nguyen Van An123", "name_has_digits"),
        ("Nguyễn Văn An 😀", "name_invalid_chars"),
        ("😀😀 😀", "name_invalid_chars"),
        ("<script>alert(1)</script>", "markup"),
        ("<b>Nguyễn</b> An", "markup"),
        ("Robert'); DROP TABLE citizens;--", "name_invalid_chars"),
        ("' OR 1=1 --", "name_has_digits"),
        ("x' OR 'a'='a", "name_invalid_chars"),
        ("Nguyễn_Văn An", "name_invalid_chars"),
        ("Nguyễn Văn An!", "name_invalid_chars"),
        ("Иван Петров", "name_invalid_chars"),
        ("王 小明", "name_invalid_chars"),
        ("'An Bình", "name_invalid_chars"),
        ("An-- Bình", "name_invalid_chars"),
    ],
)
def test_bad_names(raw, error):
    assert validate_name(raw) == (None, error)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("05/03/2024", "05/03/2024"),
        ("5/3/2024", "05/03/2024"),
        ("12-3-2024", "12/03/2024"),
        ("12.3.2024", "12/03/2024"),
        ("12 / 3 / 2024", "12/03/2024"),
        ("2024-03-12", "12/03/2024"),
        ("12 tháng 3 năm 2024", "12/03/2024"),
        ("ngày 12 tháng 3 năm 2024", "12/03/2024"),
        ("Ngày 1 tháng 12 năm 1990", "01/12/1990"),
        ("12 thang 3 nam 2024", "12/03/2024"),
        ("mùng 2 tháng 9 năm 1945", "02/09/1945"),
        ("29/02/2024", "29/02/2024"),
        ("01/12/2025", "01/12/2025"),  # today
        (date(2020, 1, 31), "31/01/2020"),
    ],
)
def test_good_dates(raw, expected):
    assert validate_date(raw, today=TODAY) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("31/02/2024", "date_impossible"),
        ("29/02/2023", "date_impossible"),
        ("31/04/2024", "date_impossible"),
        ("00/01/2024", "date_impossible"),
        ("15/13/2024", "date_impossible"),
        ("32/1/2024", "date_impossible"),
        ("02/12/2025", "date_future"),
        ("1/1/2030", "date_future"),
        ("1/1/1850", "date_too_old"),
        ("12/3/24", "date_format"),
        ("hôm qua", "date_format"),
        ("2024", "date_format"),
        ("12/3", "date_format"),
        ("<script>1/1/2000</script>", "date_format"),
        ("", "empty"),
    ],
)
def test_bad_dates(raw, error):
    assert validate_date(raw, today=TODAY) == (None, error)


def test_future_dates_allowed_when_asked():
    assert validate_date("1/1/2030", allow_future=True, today=TODAY) == ("01/01/2030", None)


def test_parse_date():
    assert parse_date("12 tháng 3 năm 2024") == date(2024, 3, 12)
    assert parse_date("31/02/2024") is None
    assert parse_date("abc") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14 giờ 30 phút ngày 5/3/2024", "14:30 05/03/2024"),
        ("14h30 5/3/2024", "14:30 05/03/2024"),
        ("14:30 05/03/2024", "14:30 05/03/2024"),
        ("7 giờ ngày 5 tháng 3 năm 2024", "07:00 05/03/2024"),
        ("5/3/2024 lúc 14 giờ 30", "14:30 05/03/2024"),
        ("14 giờ 5/3/2024", "14:00 05/03/2024"),
    ],
)
def test_good_datetimes(raw, expected):
    assert validate_datetime(raw, now=datetime(2025, 12, 1, 12, 0)) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("25 giờ 5/3/2024", "datetime_impossible"),
        ("10:61 5/3/2024", "datetime_impossible"),
        ("10:00 31/02/2024", "datetime_impossible"),
        ("10:00 2/12/2025", "date_future"),
        ("sáng nay", "datetime_format"),
        ("", "empty"),
    ],
)
def test_bad_datetimes(raw, error):
    assert validate_datetime(raw, now=datetime(2025, 12, 1, 12, 0)) == (None, error)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("25/11/2026", "Ngày hai mươi lăm tháng mười một năm hai nghìn không trăm hai mươi sáu"),
        (date(2005, 4, 1), "Ngày một tháng tư năm hai nghìn không trăm linh năm"),
        ("21/10/2010", "Ngày hai mươi mốt tháng mười năm hai nghìn không trăm mười"),
        ("15/01/1998", "Ngày mười lăm tháng một năm một nghìn chín trăm chín mươi tám"),
        ("11/12/2000", "Ngày mười một tháng mười hai năm hai nghìn"),
        ("30/06/2024", "Ngày ba mươi tháng sáu năm hai nghìn không trăm hai mươi bốn"),
        ("10/02/2015", "Ngày mười tháng hai năm hai nghìn không trăm mười lăm"),
    ],
)
def test_date_in_words(value, words):
    assert date_in_words(value) == words


def test_number_in_words_edges():
    assert number_in_words(0) == "không"
    assert number_in_words(105) == "một trăm linh năm"
    assert number_in_words(1900) == "một nghìn chín trăm"
    assert number_in_words(2100) == "hai nghìn một trăm"
    with pytest.raises(ValueError):
        date_in_words("31/02/2024")


# ---------------------------------------------------------------- ids, phones, emails


@pytest.mark.parametrize("raw", ["079092012345", "079 092 012 345", "079.092.012.345", " 001188009876 "])
def test_good_id_numbers(raw):
    value, err = validate_id_number(raw)
    assert err is None and len(value) == 12 and value.isdigit()


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("123456789", "id_cmnd"),
        ("025 123 456", "id_cmnd"),
        ("07909201234", "id_length"),  # 11 digits
        ("0790920123456", "id_length"),  # 13 digits
        ("12345", "id_length"),
        ("07909201234a", "id_format"),
        ("٠٧٩٠٩٢٠١٢٣٤٥", "id_format"),  # Arabic-Indic digits
        ("'; DROP TABLE x", "id_format"),
        ("", "empty"),
    ],
)
def test_bad_id_numbers(raw, error):
    assert validate_id_number(raw) == (None, error)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 38 123 4567", "0381234567"),
        ("84981234567", "0981234567"),
        ("0561234567", "0561234567"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
    ],
)
def test_good_phones(raw, expected):
    assert validate_phone(raw) == (expected, None)


@pytest.mark.parametrize(
    "raw", ["0212345678", "0412345678", "091234567", "09123456789", "912345678", "+1 415 555 0100", "09x2345678"]
)
def test_bad_phones(raw):
    assert validate_phone(raw) == (None, "phone_format")


def test_emails():
    assert validate_email("HaiYen.Dang@Example.VN") == ("haiyen.dang@example.vn", None)
    for bad in ("haiyen", "a@b", "a@@b.vn", "a..b@x.vn", "<a@b.vn>"):
        assert validate_email(bad) == (None, "email_format"), bad


# ---------------------------------------------------------------- addresses, text, choices, numbers


@pytest.mark.parametrize(
    "raw",
    [
        "Số 12/3 đường Lê Thánh Tôn, phường Bến Nghé, Thành phố Hồ Chí Minh",
        "Thôn Đoài, xã Đông Hưng, tỉnh Hưng Yên",
        "Kiệt 27 Điện Biên Phủ (cạnh chợ), P. Thủy Xuân - Huế",
        "Tổ 5, khu phố 3, phường Tân Định",
    ],
)
def test_good_addresses(raw):
    assert validate_address(raw) == (raw, None)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "empty"),
        ("a" * 201, "address_too_long"),
        ("<script>alert(1)</script>", "markup"),
        ("12 Lê Lợi <img src=x onerror=alert(1)>", "markup"),
        ("1 Lê Lợi'; DROP TABLE citizens;--", "address_invalid_chars"),
        ("x' OR 1=1", "address_invalid_chars"),
        ("12 Lê Lợi 🏠", "address_invalid_chars"),
        ("0221980120", "address_incomplete"),
        ("12/3", "address_incomplete"),
    ],
)
def test_bad_addresses(raw, error):
    assert validate_address(raw) == (None, error)


def test_text():
    assert validate_text("Suy tim do tuổi cao; bệnh nền") == ("Suy tim do tuổi cao; bệnh nền", None)
    assert validate_text("Kinh") == ("Kinh", None)
    assert validate_text("x" * 301) == (None, "text_too_long")
    assert validate_text("<b>x</b>") == (None, "markup")
    assert validate_text("abc; DROP TABLE users") == (None, "text_invalid_chars")
    assert validate_text("1 UNION SELECT password FROM users") == (None, "text_invalid_chars")
    assert validate_text("Kinh 😀") == (None, "text_invalid_chars")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("nu", "Nữ"),
        ("Nữ", "Nữ"),
        ("NỮ", "Nữ"),
        ("nam", "Nam"),
        ("Nam.", "Nam"),
        ("con gái", "Nữ"),
        ("male", "Nam"),
    ],
)
def test_gender_choices(raw, expected):
    assert validate_choice(raw, ("Nam", "Nữ")) == (expected, None)


def test_marital_status_choices():
    choices = get_template("xac_nhan_hon_nhan").field("xn_tinh_trang").choices
    assert validate_choice("chua dang ky ket hon", choices) == ("Chưa đăng ký kết hôn", None)
    assert validate_choice("độc thân", choices) == ("Chưa đăng ký kết hôn", None)
    assert validate_choice("da ly hon", choices) == ("Đã ly hôn", None)
    assert validate_choice("không biết", choices) == (None, "choice_unknown")
    assert validate_choice("", choices) == (None, "empty")


def test_choice_unknown():
    assert validate_choice("khác", ("Nam", "Nữ")) == (None, "choice_unknown")


@pytest.mark.parametrize(("raw", "expected"), [("2", 2), ("2 bản", 2), ("hai bản", 2), ("10", 10), (3, 3), ("1", 1)])
def test_good_copies(raw, expected):
    assert validate_copies(raw) == (expected, None)


BAD_COPIES = [
    ("0", "number_range"),
    ("11", "number_range"),
    ("-1", "number_format"),
    ("nhiều", "number_format"),
    ("2.5", "number_format"),
    (True, "number_format"),
]


@pytest.mark.parametrize(("raw", "error"), BAD_COPIES)
def test_bad_copies(raw, error):
    assert validate_copies(raw) == (None, error)


def test_marriage_number_words():
    assert validate_number("lần thứ hai", min_value=1, max_value=10) == (2, None)
    assert validate_number("lần thứ nhất", min_value=1, max_value=10) == (1, None)


# ---------------------------------------------------------------- dispatch and messages


def test_validate_field_dispatches_by_kind():
    t = get_template("khai_sinh")
    assert validate_field(t.field("ks_ho_ten"), "nguyễn ngọc ánh dương") == ("Nguyễn Ngọc Ánh Dương", None)
    assert validate_field(t.field("ks_ngay_sinh"), "31/02/2024", today=TODAY) == (None, "date_impossible")
    assert validate_field(t.field("ks_gioi_tinh"), "nu") == ("Nữ", None)
    assert validate_field(t.field("so_ban_sao"), "11") == (None, "number_range")
    assert validate_field(t.field("me_nam_sinh"), "1850") == (None, "number_range")
    assert validate_field(t.field("nyc_giay_to"), "123456789") == (None, "id_cmnd")
    ct01 = get_template("ct01")
    assert validate_field(ct01.field("so_dien_thoai"), "+84912345678") == ("0912345678", None)


def test_every_error_key_has_both_languages():
    for key, messages in ERROR_MESSAGES.items():
        assert messages["vi"] and messages["en"], key
    assert "12" in error_message("id_cmnd")
    assert error_message("id_cmnd", "en").startswith("That is an old")
