"""Normalization: NFC, cleaning, folding, tone placement, tokens, language."""

import unicodedata

import pytest

from knowledge_base.text import clean, detect_language, fold, has_diacritics, nfc, syllables


def test_nfc_composes_the_crawls_nfd_text():
    nfd = unicodedata.normalize("NFD", "Thủ tục đăng ký khai sinh")
    assert nfd != "Thủ tục đăng ký khai sinh"
    assert nfc(nfd) == "Thủ tục đăng ký khai sinh"


def test_clean_strips_markup_entities_controls_and_case():
    raw = "<p>Đăng&nbsp;ký <b>KẾT HÔN</b>&amp;\x00\x07 ly hôn?!</p>\n\t  "
    assert clean(raw) == "đăng ký kết hôn ly hôn"


def test_clean_keeps_procedure_codes_and_amounts_but_not_sentence_dots():
    assert clean("Mã 1.001193. Phí 10,000 đồng, xong.") == "mã 1.001193 phí 10,000 đồng xong"


@pytest.mark.parametrize(
    ("variant", "catalogue"),
    [
        ("hoà giải", "hòa giải"),
        ("thuỷ lợi", "thủy lợi"),
        ("Uỷ ban", "ủy ban"),
        ("khoẻ", "khỏe"),
        ("tuỳ", "tùy"),
    ],
)
def test_tone_placement_variants_clean_to_one_spelling(variant, catalogue):
    assert clean(variant) == clean(catalogue)


@pytest.mark.parametrize("word", ["hoàn", "quyết", "quý", "giữ", "gìn", "khuỷu", "người", "thuyền"])
def test_tone_placement_leaves_unambiguous_words_alone(word):
    assert clean(word) == word


def test_fold_removes_all_marks_and_maps_d_bar():
    assert fold("Đường Điện Biên Phủ, phường Ưng Hòa") == "Duong Dien Bien Phu, phuong Ung Hoa"
    assert fold("ăâêôơư ĂÂÊÔƠƯ đĐ") == "aaeoou AAEOOU dD"
    assert fold(clean("hoà")) == fold(clean("hòa")) == "hoa"


def test_has_diacritics():
    assert has_diacritics("lam lai cđ")  # đ alone counts
    assert has_diacritics("làm")
    assert not has_diacritics("lam lai can cuoc mat o dau 1.001193")
    assert not has_diacritics("")


def test_syllables_keep_codes_and_numbers_whole():
    assert syllables("Thủ tục 1.001193 (lệ phí 10,000đ)!") == [
        "thủ",
        "tục",
        "1.001193",
        "lệ",
        "phí",
        "10,000",
        "đ",
    ]
    assert syllables("") == []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("lam lai can cuoc mat o dau", "vi"),
        ("e muốn đk kết hôn cần j ạ", "vi"),
        ("ko dc", "vi"),
        ("How do I register a birth for my baby?", "en"),
        ("what documents do I need for a passport", "en"),
        ("thủ tục cấp passport ở đâu", "vi"),
        ("cho em hoi thu tuc ly hon", "vi"),
        ("", "vi"),
    ],
)
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script>",
        "'; DROP TABLE procedures; --",
        "😀🎉🇻🇳 làm căn cước 🙏",
        "\x00\x1f\u200b\ufeff",
        "a" * 10_000,
        "đăng ký " * 1_250,
        "&#xZZ; &bogus; <<<>>>",
    ],
)
def test_odd_input_never_raises(text):
    cleaned = clean(text)
    assert isinstance(cleaned, str)
    assert isinstance(fold(cleaned), str)
    assert isinstance(syllables(text), list)
    assert detect_language(text) in {"vi", "en"}
    assert "<" not in cleaned and ";" not in cleaned


def test_fast_fold_matches_the_exact_definition() -> None:
    import unicodedata

    from knowledge_base.text.normalize import _fold, _fold_slow

    samples = [
        "Đăng ký khai sinh cho con – “hộ khẩu” …",
        unicodedata.normalize("NFD", "Thủ tục cấp đổi thẻ căn cước"),
        "x\u0301y",  # a mark with no precomposed letter
        "क्ष",  # a combining sign of another script
        "\u2000 en quad",  # a singleton canonical decomposition
        "naïve café ñandú Łódź ß Ø",
        "한국어",
    ]
    for text in samples:
        assert _fold(text) == _fold_slow(text), text
