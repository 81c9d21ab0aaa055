"""Dossier codes (mã hồ sơ), Thông tư 01/2018/TT-VPCP Art. 19: ``<receiving agency code>-<YYMMDD>-<NNNN>``.

Canonical form: ``000.00.04.H51-200221-0001`` — the receiving agency's code (three digit groups of 3, 2 and 2
digits, then ``H`` and the 2-digit province code, joined by dots), the day the dossier was registered (YYMMDD, a
real calendar date) and that agency's counter for the day (4 digits, from 0001).

What a citizen types is accepted when it contains exactly those characters in that order:

- any case (``h51``), surrounding spaces, quotes or brackets and a final ``.``/``,``/``?``/``!``;
- at every boundary between parts (after ``000``, ``00``, ``04``, ``H51``, ``200221``) either nothing or a short run
  (1–3 characters) of separators: ``.`` ``-`` ``/`` ``,`` space, tab, the Unicode dashes (– — ‐ −) and the middle dot
  — so ``000.00.04.h51 200221 0001``, ``000.00.04.H51-2002210001``, ``00000 04 H51 200221 0001``,
  ``000 00 04 H51 - 200221 - 0001`` and ``0000004H512002210001`` are all ``000.00.04.H51-200221-0001``;
- full-width digits and letters (NFKC) and zero-width characters are tolerated.

Not accepted (``None``): a separator inside a part (``0 00.00.04…``), a wrong number of digits in any part
(``…-200221-001``, ``…-200221-00001``, ``H5``), an impossible date (``201332``), the counter ``0000``, letters
other than the single ``H``, and any input longer than ``MAX_CODE_INPUT`` characters. The province code is not
checked against a list: another province's code is still a valid code (the backend will simply not know it).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import NamedTuple

MAX_CODE_INPUT = 120
"""Longest text :func:`normalize_dossier_code` considers (a code with generous separators is ~40 characters)."""

MAX_SCAN = 5000
"""Free text is scanned for a code only in its first ``MAX_SCAN`` characters."""

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SEP = r"[\s.\-/,\u2010-\u2015\u2212\u00b7]{0,3}"
_D = "[0-9]"
_CORE = (
    rf"({_D}{{3}}){_SEP}({_D}{{2}}){_SEP}({_D}{{2}}){_SEP}([Hh]{_D}{{2}}){_SEP}"
    rf"({_D}{{2}})({_D}{{2}})({_D}{{2}}){_SEP}({_D}{{4}})"
)
# Whole input (after trimming wrappers) must be one code.
_FULL = re.compile(_CORE)
# Inside free text: not glued to a preceding digit (or to "1." as in "1.000.00…") nor to a following digit; letters
# around it are fine ("mã:000.00.04.H51-200221-0001của tôi").
_IN_TEXT = re.compile(rf"(?<![0-9])(?<![0-9][.\-]){_CORE}(?![0-9])")
_WRAPPERS = " \t\r\n\"'`“”‘’«»()[]{}<>:;"
_TRAILING = ".,?!;:…"

# Shapes of a failed attempt (see looks_like_a_code_attempt).
_DASH = "\\-\u2010-\u2015\u2212"
_ATTEMPT_SHAPES = (
    # dotted agency part: "000.00.04.H5", "000.00.H51", "000.00.04H51"
    re.compile(r"(?<![0-9])[0-9]{1,3}\.[0-9]{1,3}\.(?:[0-9]{0,3}\.?)?\s?[Hh]\s?[0-9]"),
    # agency groups split by spaces or dashes: "000 00 04 H5", "000-00-4-H51"
    re.compile(rf"(?<![0-9])[0-9]{{3}}[\s{_DASH}]+[0-9]{{2}}[\s{_DASH}]+[0-9]{{1,3}}[\s{_DASH}]*[Hh]\s?[0-9]"),
    # agency digits run together: "0000004H51…", "000004 H51"
    re.compile(r"(?<![0-9])[0-9]{5,8}[\s.\-]?[Hh]\s?[0-9]"),
    # province code then a long number, agency part missing: "H51-200221-0001"
    re.compile(rf"(?<![\w.])[Hh][0-9]{{1,3}}[\s./{_DASH}]{{0,3}}[0-9]{{4,}}"),
    # date and counter alone or malformed: "200221-0001", "201332-0001", "200221-001"
    re.compile(rf"(?<![0-9])[0-9]{{5,7}}[.{_DASH}][0-9]{{3,5}}(?![0-9])"),
)
_DIGIT_CLUSTER = re.compile(rf"[0-9](?:[0-9]|[\s./{_DASH}]{{1,3}}(?=[0-9]))*")


class DossierCode(NamedTuple):
    """A dossier code taken apart."""

    agency: str  # "000.00.04.H51"
    province: str  # "H51"
    registered_on: date
    counter: int

    def __str__(self) -> str:
        return f"{self.agency}-{self.registered_on:%y%m%d}-{self.counter:04d}"


def _clean(text: str, limit: int) -> str:
    return unicodedata.normalize("NFKC", text[: limit * 2]).translate(_INVISIBLE)[:limit]


def _from_match(m: re.Match[str]) -> DossierCode | None:
    g1, g2, g3, prov, yy, mm, dd, counter = m.groups()
    try:
        day = date(2000 + int(yy), int(mm), int(dd))
    except ValueError:
        return None
    if counter == "0000":
        return None
    province = prov.upper()
    return DossierCode(f"{g1}.{g2}.{g3}.{province}", province, day, int(counter))


def parse_dossier_code(text: str) -> DossierCode | None:
    """The parts of the code ``text`` is (see the module docstring for what is accepted); None otherwise."""
    if not isinstance(text, str) or len(text) > MAX_CODE_INPUT:
        return None
    cleaned = _clean(text, MAX_CODE_INPUT).strip(_WRAPPERS).rstrip(_TRAILING).strip(_WRAPPERS)
    m = _FULL.fullmatch(cleaned)
    return _from_match(m) if m is not None else None


def normalize_dossier_code(text: str) -> str | None:
    """The canonical code (``000.00.04.H51-200221-0001``) if ``text`` is one; None otherwise. Never raises."""
    parsed = parse_dossier_code(text)
    return str(parsed) if parsed is not None else None


def find_dossier_code(text: str) -> str | None:
    """The first valid dossier code inside free text, canonical; None if there is none. Never raises."""
    if not isinstance(text, str):
        return None
    for m in _IN_TEXT.finditer(_clean(text, MAX_SCAN)):
        if (parsed := _from_match(m)) is not None:
            return str(parsed)
    return None


def province_of(code: str) -> str:
    """The province part of a dossier code (``"H51"``); ValueError if ``code`` is not a dossier code."""
    parsed = parse_dossier_code(code)
    if parsed is None:
        raise ValueError("not a dossier code")
    return parsed.province


def looks_like_a_code_attempt(text: str) -> bool:
    """True when ``text`` holds no valid code but something that tried to be one (to re-ask helpfully).

    Signs of an attempt: digits followed by ``H`` and a digit (``000.00.04.H5…``); ``H`` + digits + a long number
    (``H51-200221-01``); a date-and-counter shape (``201332-0001``, ``200221-001``); or a run of 15–30 digits joined
    by separators with at least one dot or dash. A phone number (10 digits) or an ID number (12 digits) alone is
    not an attempt. Never raises.
    """
    if not isinstance(text, str) or not text.strip():
        return False
    if find_dossier_code(text) is not None:
        return False
    cleaned = _clean(text, MAX_SCAN)
    if any(shape.search(cleaned) for shape in _ATTEMPT_SHAPES):
        return True
    for m in _DIGIT_CLUSTER.finditer(cleaned):
        chunk = m.group(0)
        digits = sum(ch in "0123456789" for ch in chunk)
        if 15 <= digits <= 30 and re.search(rf"[.{_DASH}]", chunk):
            return True
    return False
