"""The curated table of everyday words per procedure (``data/procedure_aliases/*.yaml``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

ALIASES_DIR = Path(__file__).parent / "data" / "procedure_aliases"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when built in: same data, faster


@dataclass(frozen=True)
class CuratedEntry:
    """How citizens speak of one procedure: everyday phrases, situations and English words."""

    code: str
    everyday: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    english: tuple[str, ...] = ()
    not_phrases: tuple[str, ...] = field(default=())

    @property
    def phrases(self) -> tuple[str, ...]:
        return self.everyday + self.situations + self.english


def _as_tuple(value: object) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v).strip() for v in value if str(v).strip())  # type: ignore[union-attr]


@lru_cache(maxsize=4)
def load_curated(directory: Path = ALIASES_DIR) -> dict[str, CuratedEntry]:
    """All curated entries by procedure code; entries for the same code in several files are merged."""
    merged: dict[str, CuratedEntry] = {}
    for path in sorted(directory.glob("*.yaml")):
        for row in yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []:
            code = str(row["code"]).strip()
            entry = CuratedEntry(
                code=code,
                everyday=_as_tuple(row.get("everyday")),
                situations=_as_tuple(row.get("situations")),
                english=_as_tuple(row.get("english")),
                not_phrases=_as_tuple(row.get("not")),
            )
            if code in merged:
                old = merged[code]
                entry = CuratedEntry(
                    code=code,
                    everyday=old.everyday + entry.everyday,
                    situations=old.situations + entry.situations,
                    english=old.english + entry.english,
                    not_phrases=old.not_phrases + entry.not_phrases,
                )
            merged[code] = entry
    return merged


def curated_fingerprint(directory: Path = ALIASES_DIR) -> str:
    """A hash of the curated files, so that the index is rebuilt when they change."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
