"""Colloquial names → catalogue terms ("sổ đỏ" → "giấy chứng nhận quyền sử dụng đất").

The table is knowledge_base/data/term_aliases.yaml. A query word matches a phrase word when it is the
same word, or when the query word was typed without any diacritics and both fold to the same letters.
So "so do" matches "sổ đỏ", but "sơ đồ" (typed with its marks) does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .normalize import clean, detect_language, fold, has_diacritics, syllables
from .shorthand import expand_shorthand

__all__ = [
    "AliasEntry",
    "alias_terms",
    "expand_aliases",
    "load_alias_table",
    "match_tokens",
    "matched_aliases",
]


@dataclass(frozen=True)
class AliasEntry:
    phrase: str
    tokens: tuple[str, ...]
    exact: bool  # diacritics must be typed as written
    terms: tuple[str, ...]


@dataclass(frozen=True)
class AliasTable:
    by_first: dict[str, list[AliasEntry]]  # folded first token → entries, longest first
    size: int


@lru_cache(maxsize=1)
def load_alias_table() -> AliasTable:
    text = resources.files("knowledge_base").joinpath("data/term_aliases.yaml").read_text(encoding="utf-8")
    entries: list[AliasEntry] = []
    for item in yaml.safe_load(text) or []:
        terms = tuple(clean(str(t)) for t in item.get("terms", ()))
        for key, exact in (("phrases", False), ("exact", True)):
            for phrase in item.get(key, ()) or ():
                tokens = tuple(_tokens(str(phrase)))
                if tokens and terms:
                    entries.append(AliasEntry(" ".join(tokens), tokens, exact, terms))
    by_first: dict[str, list[AliasEntry]] = {}
    for entry in entries:
        by_first.setdefault(fold(entry.tokens[0]), []).append(entry)
    for bucket in by_first.values():
        bucket.sort(key=lambda e: -len(e.tokens))
    return AliasTable(by_first=by_first, size=len(entries))


def _tokens(text: str) -> list[str]:
    """Cleaned tokens, shorthand-expanded unless the text is English ("a" is not "anh" there)."""
    return syllables(text) if detect_language(text) == "en" else syllables(expand_shorthand(text))


def _word_matches(query_word: str, phrase_word: str, exact: bool) -> bool:
    if query_word == phrase_word:
        return True
    return not exact and not has_diacritics(query_word) and fold(query_word) == fold(phrase_word)


def match_tokens(tokens: list[str]) -> list[tuple[int, int, AliasEntry]]:
    """Non-overlapping alias matches (start, end, entry) in shorthand-expanded tokens, longest first."""
    table = load_alias_table()
    matches: list[tuple[int, int, AliasEntry]] = []
    i = 0
    while i < len(tokens):
        found = None
        for entry in table.by_first.get(fold(tokens[i]), ()):
            n = len(entry.tokens)
            if i + n <= len(tokens) and all(
                _word_matches(q, p, entry.exact) for q, p in zip(tokens[i : i + n], entry.tokens, strict=True)
            ):
                found = entry
                break
        if found is None:
            i += 1
            continue
        matches.append((i, i + len(found.tokens), found))
        i += len(found.tokens)
    return matches


def _entry_terms(entry: AliasEntry) -> list[str]:
    # Other entries with the same phrase (e.g. Vietnamese and English "passport") add their terms.
    terms: list[str] = []
    for other in load_alias_table().by_first.get(fold(entry.tokens[0]), ()):
        if other.phrase == entry.phrase:
            terms.extend(t for t in other.terms if t not in terms)
    return terms


def alias_terms(matches: list[tuple[int, int, AliasEntry]]) -> list[str]:
    """Distinct catalogue terms of `matches`, in order."""
    out: list[str] = []
    for _, _, entry in matches:
        out.extend(t for t in _entry_terms(entry) if t not in out)
    return out


def _terms_for(tokens: list[str]) -> list[tuple[str, list[str]]]:
    return [(" ".join(tokens[s:e]), _entry_terms(entry)) for s, e, entry in match_tokens(tokens)]


def matched_aliases(text: str) -> list[tuple[str, list[str]]]:
    """(matched words as typed after shorthand expansion, catalogue terms) for each alias in `text`."""
    return _terms_for(_tokens(text))


def expand_aliases(text: str) -> str:
    """Cleaned `text` with the catalogue terms of every matched alias appended (original words kept)."""
    base = clean(text)
    appended = alias_terms(match_tokens(_tokens(text)))
    return " ".join([base, *appended]) if appended else base
