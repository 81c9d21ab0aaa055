"""What of each procedure goes into which retrieval leg."""

from __future__ import annotations

import re

from knowledge_base.curated import CuratedEntry
from knowledge_base.schema import Procedure

_PREFIX = re.compile(r"^\s*thủ tục\s+", re.IGNORECASE)

# Lexical fields (one BM25 index each) and dense passage groups.
LEXICAL_FIELDS = ("name", "curated", "full")
DENSE_GROUPS = ("name", "curated")
FULL_TEXT_CHARS = 3000
PASSAGE_CHARS = 160  # names beyond this add encoding time, not meaning


def display_name(procedure: Procedure) -> str:
    """The procedure name without the leading "Thủ tục", first letter upper-cased."""
    name = _PREFIX.sub("", procedure.name).strip()
    return name[:1].upper() + name[1:]


def curated_phrases(curated: CuratedEntry | None) -> list[str]:
    """The distinct curated phrases of a procedure, each scored as its own document by the curated legs."""
    return list(dict.fromkeys(curated.phrases)) if curated else []


def lexical_texts(procedure: Procedure, curated: CuratedEntry | None) -> tuple[str, list[str], str]:
    """(name + field, the curated phrases, a capped full text) for the three BM25 legs.

    The curated leg scores every phrase on its own and keeps a procedure's best phrase: joined into one
    document, a procedure with many phrases would be length-penalised against one with few.
    """
    name = f"{display_name(procedure)} {procedure.field}"
    phrases = curated_phrases(curated)
    parts = [
        procedure.result,
        " ".join(procedure.audiences),
        procedure.conditions,
        " ".join(d.name for d in procedure.documents),
        " ".join(procedure.steps),
    ]
    full = " ".join(p for p in parts if p)[:FULL_TEXT_CHARS]
    return name, phrases, full


def dense_passages(procedure: Procedure, curated: CuratedEntry | None) -> list[tuple[int, str]]:
    """(group, passage) pairs: the name with its field, then each curated phrase on its own."""
    name = display_name(procedure)
    if len(name) > PASSAGE_CHARS:
        name = name[:PASSAGE_CHARS].rsplit(" ", 1)[0]
    passages = [(0, f"{name}. Lĩnh vực {procedure.field}".strip())]
    passages.extend((1, phrase) for phrase in curated_phrases(curated))
    return passages
