"""Making catalogue sentences (often several hundred characters long) fit a phone screen."""

from __future__ import annotations

import re

ELLIPSIS = "…"

_SPACE = re.compile(r"\s+")
# "- ", "+ ", "* ", "• ", "a) ", "(i) ", "1. ", "Bước 1: " at the start of a line.
_BULLET = re.compile(
    r"^\s*(?:[-+*•–]+\s*|\(?[ivx]+\)\s+|\(?[a-zđ]\)\s+|\d{1,2}[.)]\s+|bước\s*\d+\s*[:.\-–]\s*)+",
    re.IGNORECASE,
)
# A sentence ends at ". " / "; " / a line break, when followed by more text.
_SENTENCE_END = re.compile(r"(?<=\S)(?:[.;]\s+|\s*\n+\s*)(?=\S)")
_SHORT_FORM = re.compile(r"\((mẫu\s+[\w./-]+)[^()]*\)", re.IGNORECASE)
_PAREN = re.compile(r"\s*\(([^()]*)\)")


def squash(text: str) -> str:
    """One line, single spaces."""
    return _SPACE.sub(" ", text or "").strip()


def strip_bullet(text: str) -> str:
    """Drop leading list markers and "Bước N:" (the answer numbers steps itself)."""
    return _BULLET.sub("", text or "", count=1).strip()


def first_sentence(text: str, min_chars: int = 25) -> str:
    """The text up to the first sentence end that leaves at least ``min_chars`` characters."""
    for match in _SENTENCE_END.finditer(text):
        if match.start() >= min_chars:
            return text[: match.start()].rstrip(" .;:,")
    return text.strip()


def drop_long_parentheses(text: str, max_inner: int = 40) -> str:
    """Remove parenthetical asides longer than ``max_inner``; "(mẫu CT01 ban hành …)" becomes "(mẫu CT01)"."""
    text = _SHORT_FORM.sub(lambda m: f"({m.group(1).rstrip('.,;')})", text)
    return _PAREN.sub(lambda m: "" if len(m.group(1)) > max_inner else m.group(0), text)


def truncate(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word boundary and ending with "…" when cut."""
    text = squash(text)
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    head = text[: limit - len(ELLIPSIS) + 1]
    cut = head.rfind(" ")
    head = head[:cut] if cut > limit // 3 else head[: limit - len(ELLIPSIS)]
    return head.rstrip(" ,;:.-–(") + ELLIPSIS


def brief(text: str, limit: int, min_sentence: int = 25) -> str:
    """A list item made short: no bullet, first sentence, no long asides, at most ``limit`` characters."""
    text = strip_bullet(squash_lines(text))
    text = drop_long_parentheses(first_sentence(text, min_sentence))
    return truncate(text, limit)


def squash_lines(text: str) -> str:
    """Trim every line and drop blank ones; line breaks stay (they end sentences for ``first_sentence``)."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())
