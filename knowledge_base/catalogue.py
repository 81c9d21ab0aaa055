"""Loading the committed, normalized catalogue (`knowledge_base/data/catalogue.jsonl`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from knowledge_base.schema import Catalogue, Procedure

DEFAULT_PATH = Path(__file__).parent / "data" / "catalogue.jsonl"


def load_catalogue(path: Path | None = None) -> Catalogue:
    """The catalogue at `path` (default: the packaged one), validated; cached per resolved path."""
    return _load(Path(path or DEFAULT_PATH).resolve())


@lru_cache(maxsize=8)
def _load(path: Path) -> Catalogue:
    procedures = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                procedures.append(Procedure.model_validate_json(line))
            except ValueError as error:
                raise ValueError(f"{path}:{number}: invalid procedure: {error}") from error
    return Catalogue(procedures=procedures)
