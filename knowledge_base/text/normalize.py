"""Unicode and surface normalization of Vietnamese text: NFC, cleaning, tone folding, tokenization.

Tone placement convention: the catalogue mostly writes the tone on the first vowel of an open
"oa" / "oe" / "uy" rhyme ("hòa", "khỏe", "thủy", "ủy"), so `normalize_tone_placement` rewrites the
other spelling ("hoà", "khoẻ", "thuỷ", "uỷ") to that one. Rhymes with a final consonant ("hoàn",
"quyết") are spelled the same way in both conventions.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "clean",
    "detect_language",
    "fold",
    "has_diacritics",
    "nfc",
    "normalize_tone_placement",
    "syllables",
]

# Combining marks of the five Vietnamese tones (huyền, sắc, hỏi, ngã, nặng).
_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")

_TAG_RE = re.compile(r"<[^>]{0,2000}>")
_ENTITY_LEFTOVER_RE = re.compile(r"&(?:[a-z]{2,10}|#\d{1,7}|#x[0-9a-f]{1,6});", re.IGNORECASE)
# Dropped: everything but letters and digits, except a dot or comma between two digits
# (procedure codes 1.001193, amounts 10,000).
_DROP_RE = re.compile(r"(?<!\d)[.,]|[.,](?!\d)|[^\w.,]|_")
_NON_ASCII_WORD_RE = re.compile(r"[^\W_]*[^\W_\x00-\x7f][^\W_]*")  # the words that could carry a tone mark
_SPACE_RE = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|\d+")
_ALNUM_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")


def nfc(text: str) -> str:
    """Unicode NFC composition (the crawl is NFD)."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=65536)
def _place_tone(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    if len(tones) != 1:
        return word
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    index = _tone_index(base.lower())
    if index is None:
        return word
    return unicodedata.normalize("NFC", base[: index + 1] + tones[0] + base[index + 1 :])


def _tone_index(s: str) -> int | None:
    """Index of the vowel that carries the tone in a lower-case, toneless syllable."""
    start = 0
    if (s.startswith("qu") or s.startswith("gi")) and len(s) > 2 and s[2] in _VOWELS:
        start = 2
    first = next((i for i in range(start, len(s)) if s[i] in _VOWELS), None)
    if first is None:
        return None
    end = first
    while end + 1 < len(s) and s[end + 1] in _VOWELS:
        end += 1
    nucleus = range(first, end + 1)
    marked = [i for i in nucleus if s[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]
    if end == first:
        return first
    if end < len(s) - 1:  # closed syllable: tone on the last vowel ("hoàn", "thuyết")
        return end
    if end - first == 2:  # three vowels: the middle one ("khoái", "khuỷu")
        return first + 1
    return first  # open two-vowel rhyme: first vowel ("hòa", "thủy", "mía", "cái")


def normalize_tone_placement(text: str) -> str:
    """Rewrite every word to the catalogue's tone-placement convention ("hoà" → "hòa", "thuỷ" → "thủy")."""
    if text.isascii():
        return text  # no tone marks to move
    return _NON_ASCII_WORD_RE.sub(lambda m: _place_tone(m.group(0)), text)


def _strip_markup(text: str) -> str:
    text = _TAG_RE.sub(" ", text)
    text = html.unescape(text)
    return _ENTITY_LEFTOVER_RE.sub(" ", text)


def clean(text: str) -> str:
    """NFC, strip HTML, lower-case, keep letters / digits / code dots, collapse whitespace."""
    if not text:
        return ""
    text = nfc(_strip_markup(nfc(text))).lower()
    text = normalize_tone_placement(text)
    return _SPACE_RE.sub(" ", _DROP_RE.sub(" ", text)).strip()


_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


_SHORT = 32  # words and short phrases recur from query to query: their results are cached


def _fold_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_TABLE))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _char_folds() -> dict[int, str]:
    """Each precomposed Latin letter (Vietnamese and others) → its folded form, for :func:`str.translate`."""
    table = dict(_FOLD_TABLE)
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        folded = _fold_slow(chr(code))
        if folded != chr(code):
            table[code] = folded
    return table


_CHAR_FOLDS = _char_folds()
# Outside Latin letters and general punctuation, folding letter by letter is not known to be exact.
_NOT_LATIN_RE = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u206f]")


def _fold(text: str) -> str:
    # Fast path: NFC Latin text folds letter by letter through the table; anything else (leftover combining
    # marks, other scripts) takes the exact slow path.
    folded = unicodedata.normalize("NFC", text).translate(_CHAR_FOLDS)
    if folded.isascii() or (not _NOT_LATIN_RE.search(folded) and unicodedata.is_normalized("NFD", folded)):
        return folded
    return _fold_slow(text)


_fold_short = lru_cache(maxsize=65536)(_fold)


def fold(text: str) -> str:
    """Remove tone marks and circumflex/breve/horn, map đ → d. Case is kept."""
    if not text:
        return ""
    return _fold_short(text) if len(text) <= _SHORT else _fold(text)


def _has_diacritics(text: str) -> bool:
    return any(ch.isalpha() and ch != _fold_short(ch) for ch in nfc(text))


_has_diacritics_short = lru_cache(maxsize=65536)(_has_diacritics)


def has_diacritics(text: str) -> bool:
    """True when any letter carries a Vietnamese mark (tone, circumflex, breve, horn) or is đ."""
    return _has_diacritics_short(text) if len(text) <= _SHORT else _has_diacritics(text)


def syllables(text: str) -> list[str]:
    """Cleaned syllables / words; procedure codes ("1.001193") and numbers ("10,000") stay whole."""
    return _ALNUM_TOKEN_RE.findall(clean(text))


# --- language detection -------------------------------------------------------------------------


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Folded Vietnamese syllables that are rare as English words.
_VI_FOLDED = _wordset(
    """
    khong duoc lam cho giay dang ky ket hon khai sinh tu thu tuc ho khau thuong tru tam cuoc cong dan
    chung minh nhan xac tinh trang nhu the nao bao nhieu tien o dau gi cua toi em anh chi minh vay roi
    thi phai muon xin hoi giup voi va hay nay nhung cac mot hai ba bon nam sau nguoi viec lai mat moi
    cap doi sua chua biet khi nao ngay thang luc sao vi duoc co quan uy ban xa phuong tinh huyen quan
    nop ho so giay to ban sao chinh thuc phi le dat nha cua xe may lai bang hieu tuoi con vo chong bo me
    ong ba gia dinh truong hoc benh vien luong huu bhxh bhyt cccd cmnd thue kinh doanh dich vu duoc nhe
    nha a ha u oi nhi day do kia ay ma ne luon nua cung de den tai tren duoi trong ngoai bao lau mat can
    lam lai nhap cat khau chet mat qua doi sinh de thi nghiem giay phep xay dung
    """
)
_EN_WORDS = _wordset(
    """
    the is are was were be been am what how where when who why which do does did i you we they my your
    our their it its of for with from and or not need get apply applying application register
    registration certificate birth marriage death passport card identity id visa fee fees cost costs
    price documents document required requirements require please help can could would should will want
    wanted lost renew renewal replace replacement office online submit where's what's how's long take
    takes days many much this that these those there here have has had if about into at by on an as so
    than then also just only my me him her his she he business license licence driving land tax pension
    insurance social health residence permanent temporary address change name child baby wife husband
    married divorce copy certified notarize notarized procedure procedures process status dossier check
    tell know thanks thank hello hi hey ok okay yes no
    """
)
# Words that are both common English and common (folded) Vietnamese are left out of both lists on
# purpose ("can", "the", "to", "con", "me", "do", "in", "ban", "long", "men", "hang").
_AMBIGUOUS = _wordset(
    """
    can the to con me do in ban long men hang a an my he ba bo nam mat
    """
)


def detect_language(text: str) -> str:
    """Return "vi" or "en". Mixed or unclear text is "vi" unless English words clearly dominate."""
    words = [w for w in _TOKEN_RE.findall(nfc(text).lower()) if not w[0].isdigit()]
    if not words:
        return "vi"
    vi = en = 0.0
    for w in words:
        if has_diacritics(w):
            vi += 1.0
        elif w in _AMBIGUOUS:
            continue
        elif w in _EN_WORDS:
            en += 1.0
        elif w in _VI_FOLDED:
            vi += 1.0
    if en >= 2 and en > 1.5 * vi:
        return "en"
    if en >= 1 and vi == 0 and en >= 0.5 * len(words):
        return "en"
    return "vi"
