"""Build, persist and load the search index (lexical token lists, dense vectors, tone model).

The index lives in ``<cache>/index/<fingerprint>/``; the fingerprint covers the catalogue file, the curated
phrase table, the embedding model (and its arithmetic) and this module's layout version, so any change triggers a
rebuild.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from knowledge_base.catalogue import load_catalogue
from knowledge_base.curated import CuratedEntry, curated_fingerprint, load_curated
from knowledge_base.embedding import Encoder
from knowledge_base.retrieval.dense import DenseIndex, passages_with_owners
from knowledge_base.retrieval.documents import LEXICAL_FIELDS, dense_passages, lexical_texts
from knowledge_base.retrieval.lexical import CoverageIndex, LexicalIndex, lexical_tokens
from knowledge_base.retrieval.vector_cache import VectorCache
from knowledge_base.schema import Procedure
from knowledge_base.settings import RetrievalSettings
from knowledge_base.text import fold, syllables
from knowledge_base.text.corpus import training_texts
from knowledge_base.text.tones import ToneRestorer

LOG = logging.getLogger(__name__)
INDEX_VERSION = "4"  # 4: one curated BM25 document per phrase


def fold_tokens(text: str) -> list[str]:
    """The lexical tokens of any text: folded syllables and their bigrams."""
    return lexical_tokens(syllables(fold(text)))


def lexical_documents(procedures: list[Procedure], curated: dict[str, CuratedEntry]) -> dict[str, list]:
    """Token lists of every lexical field (``lexical.json``): one per procedure for the name and the full text,
    one per curated phrase (with ``curated_owners``, the procedure of each phrase) for the curated leg."""
    texts = [lexical_texts(p, curated.get(p.code)) for p in procedures]
    phrases = [(i, phrase) for i, (_, owned, _) in enumerate(texts) for phrase in owned]
    return {
        "name": [fold_tokens(t[0]) for t in texts],
        "curated": [fold_tokens(phrase) for _, phrase in phrases],
        "curated_owners": [i for i, _ in phrases],
        "full": [fold_tokens(t[2]) for t in texts],
    }


def lexical_indexes(tokens: dict[str, list], n_procedures: int) -> dict[str, LexicalIndex]:
    """One BM25 index per field of :data:`LEXICAL_FIELDS`, each scoring all ``n_procedures``."""
    return {field: LexicalIndex(tokens[field], tokens.get(f"{field}_owners"), n_procedures) for field in LEXICAL_FIELDS}


@dataclass
class SearchIndex:
    procedures: list[Procedure]
    lexical: dict[str, LexicalIndex]
    name_coverage: CoverageIndex
    dense: DenseIndex
    encoder: Encoder
    tones: ToneRestorer
    directory: Path
    build_seconds: float | None = None


def _catalogue_file(settings: RetrievalSettings) -> Path:
    if settings.catalogue_path:
        return settings.catalogue_path
    from knowledge_base.catalogue import DEFAULT_PATH

    return DEFAULT_PATH


def index_fingerprint(settings: RetrievalSettings, encoder: Encoder) -> str:
    digest = hashlib.sha256()
    digest.update(INDEX_VERSION.encode())
    digest.update(hashlib.sha256(_catalogue_file(settings).read_bytes()).digest())
    digest.update(curated_fingerprint().encode())
    digest.update(encoder.vector_fingerprint.encode())
    return digest.hexdigest()[:20]


def tone_training_texts(procedures: list[Procedure]) -> Iterator[str]:
    """The catalogue's own sentences, to learn tone marks from."""
    for p in procedures:
        yield p.name
        yield from p.steps
        yield from (d.name for d in p.documents)
        yield from p.audiences
        if p.result:
            yield p.result
        if p.conditions:
            yield p.conditions


def build_index(settings: RetrievalSettings, directory: Path, show_progress: bool = True) -> None:
    """Compute everything the retriever needs and write it atomically into ``directory``."""
    started = time.perf_counter()
    procedures = load_catalogue(settings.catalogue_path).procedures
    curated = load_curated()
    encoder = Encoder(settings.model_id, cache_dir=settings.cache_dir, threads=settings.threads)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=directory.parent))
    try:
        tokens = lexical_documents(procedures, curated)
        (tmp / "lexical.json").write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
        ToneRestorer.train(training_texts(tone_training_texts(procedures))).save(tmp / "tones.json.gz")
        passages, owners, groups = passages_with_owners([dense_passages(p, curated.get(p.code)) for p in procedures])
        cache = VectorCache(settings.cache_dir / "vectors", encoder.vector_fingerprint)
        vectors = cache.encode(
            passages,
            lambda t: encoder.encode_passages(t, show_progress=show_progress, threads=settings.build_threads),
        )
        DenseIndex(vectors, owners, groups, len(procedures)).save(tmp / "dense")
        meta = {
            "codes": [p.code for p in procedures],
            "model": settings.model_id,
            "passages": len(passages),
            "build_seconds": round(time.perf_counter() - started, 2),
        }
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if directory.exists() and not (directory / "meta.json").exists():
            shutil.rmtree(directory)  # a half-written leftover
        try:
            tmp.rename(directory)
        except OSError:
            # Another process finished the same build first; its index has the same fingerprint.
            if not (directory / "meta.json").exists():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def index_directory(settings: RetrievalSettings, encoder: Encoder) -> Path:
    return settings.cache_dir / "index" / index_fingerprint(settings, encoder)


def load_index(settings: RetrievalSettings, build_if_missing: bool = True, show_progress: bool = True) -> SearchIndex:
    """Load the index for these settings, building it first when missing or stale."""
    encoder = Encoder(settings.model_id, cache_dir=settings.cache_dir, threads=settings.threads)
    directory = index_directory(settings, encoder)
    if not (directory / "meta.json").exists():
        if not build_if_missing:
            raise FileNotFoundError(f"no search index at {directory}; run `motcua index build`")
        directory.parent.mkdir(parents=True, exist_ok=True)
        LOG.info("building the search index in %s", directory)
        build_index(settings, directory, show_progress=show_progress)
    meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
    procedures = load_catalogue(settings.catalogue_path).procedures
    if meta["codes"] != [p.code for p in procedures]:
        raise RuntimeError(f"index at {directory} does not match the catalogue; delete it and rebuild")
    tokens = json.loads((directory / "lexical.json").read_text(encoding="utf-8"))
    return SearchIndex(
        procedures=procedures,
        lexical=lexical_indexes(tokens, len(procedures)),
        name_coverage=CoverageIndex(tokens["name"]),
        dense=DenseIndex.load(directory / "dense", len(procedures)),
        encoder=encoder,
        tones=ToneRestorer.load(directory / "tones.json.gz"),
        directory=directory,
        build_seconds=meta.get("build_seconds"),
    )
