"""Which of the offered candidates a citizen picked by typing: "số 2", "cái đầu", "the last one", "cấp lại"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from knowledge_base.text import clean, fold

_WORD_NUMBERS = {
    "mot": 1, "nhat": 1, "dau": 1, "dau tien": 1, "first": 1, "one": 1,
    "hai": 2, "nhi": 2, "second": 2, "two": 2,
    "ba": 3, "third": 3, "three": 3,
}  # fmt: skip
_LAST = re.compile(r"\b(cuoi|cuoi cung|last)\b")
_DIGIT = re.compile(r"(?<![\d.])([1-9])(?![\d.])")
_WORD = re.compile(
    r"\b(?:thu|so|cai|option|number|no|lua chon|phuong an|thu tuc)\s+("
    + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
    + r")\b"
)
_ALONE = re.compile(r"\b(dau tien|first|second|third)\b")

MIN_NAME_SCORE = 88.0
MIN_NAME_MARGIN = 8.0


def _folded(text: str) -> str:
    return fold(clean(text))


def parse_ordinal(text: str, n_options: int) -> int | None:
    """A 0-based index from a typed position ("2", "thứ hai", "cái cuối"), or None when none is given."""
    folded = _folded(text)
    if not folded or n_options < 1:
        return None
    if _LAST.search(folded):
        return n_options - 1
    match = _DIGIT.search(folded)
    if match is None:
        match = _WORD.search(folded) or _ALONE.search(folded)
        number = _WORD_NUMBERS.get(match.group(1)) if match else None
    else:
        number = int(match.group(1))
    if number is None or not 1 <= number <= n_options:
        return None
    return number - 1


def match_name(text: str, names: Sequence[str]) -> int | None:
    """The index of the one name that ``text`` clearly points to (a distinctive part of it), else None."""
    folded = _folded(text)
    if len(folded) < 3 or len(names) < 2:
        return None
    scores = [fuzz.partial_ratio(folded, _folded(name)) for name in names]
    best = max(range(len(scores)), key=scores.__getitem__)
    runner_up = max(s for i, s in enumerate(scores) if i != best)
    if scores[best] >= MIN_NAME_SCORE and scores[best] - runner_up >= MIN_NAME_MARGIN:
        return best
    return None
