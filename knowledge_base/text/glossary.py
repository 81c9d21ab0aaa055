"""English words → Vietnamese catalogue words (``data/english_glossary.yaml``), for questions asked in English."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

__all__ = ["glossary_terms", "load_glossary"]


@lru_cache(maxsize=1)
def load_glossary() -> dict[str, str]:
    text = resources.files("knowledge_base").joinpath("data/english_glossary.yaml").read_text(encoding="utf-8")
    return {str(k).lower(): str(v) for k, v in (yaml.safe_load(text) or {}).items()}


def _lookup(word: str, glossary: dict[str, str]) -> str | None:
    """The word as typed, else without a plural or verb ending."""
    candidates = [word]
    if word.endswith("ies"):
        candidates.append(word[:-3] + "y")
    if word.endswith("es"):
        candidates.append(word[:-2])
    if word.endswith("s"):
        candidates.append(word[:-1])
    if word.endswith("ed"):
        candidates += [word[:-2], word[:-1]]
    if word.endswith("ing"):
        candidates += [word[:-3], word[:-3] + "e"]
    return next((glossary[c] for c in candidates if c in glossary), None)


def glossary_terms(tokens: list[str], covered: set[int] = frozenset()) -> list[str]:
    """Distinct Vietnamese terms for the English ``tokens``, skipping the positions in ``covered`` (words an alias
    phrase already translated)."""
    glossary = load_glossary()
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i in covered:
            continue
        term = _lookup(token.lower(), glossary)
        if term and term not in out:
            out.append(term)
    return out
