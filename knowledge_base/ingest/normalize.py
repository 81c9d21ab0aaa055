"""Text clean-up shared by both crawl readers: NFC, invisible characters, whitespace, "no information"."""

from __future__ import annotations

import re
import unicodedata

# Markers the portal uses for an empty cell.
EMPTY_MARKERS = frozenset({"không có thông tin", "không có", "không", "không.", "không có.", "--", "-"})

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def nfc(text: str | None) -> str:
    """NFC-normalize and drop invisible formatting characters (LRM, ZWSP, soft hyphen…)."""
    if not text:
        return ""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def clean(text: str | None) -> str:
    """One line: NFC, every run of whitespace (newlines included) becomes one space."""
    return re.sub(r"\s+", " ", _SPACES.sub(" ", nfc(text))).strip()


def clean_block(text: str | None) -> str:
    """Multi-line text: NFC, spaces collapsed inside lines, lines trimmed, at most one blank line."""
    lines = [_SPACES.sub(" ", line).strip() for line in nfc(text).replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def is_empty(text: str | None) -> bool:
    """True for "", whitespace or a portal "no information" marker."""
    return clean(text).lower() in EMPTY_MARKERS or not clean(text)


def or_empty(text: str | None, *, block: bool = False) -> str:
    """The cleaned text, or "" when it is only a "no information" marker."""
    if is_empty(text):
        return ""
    return clean_block(text) if block else clean(text)
