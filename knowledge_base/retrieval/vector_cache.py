"""Passage vectors kept per model across index builds, so a rebuild encodes only texts it has not seen."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np


class VectorCache:
    def __init__(self, directory: Path, model_fingerprint: str) -> None:
        key = hashlib.sha256(model_fingerprint.encode()).hexdigest()[:16]
        self._texts_path = directory / f"{key}.texts.json"
        self._vectors_path = directory / f"{key}.vectors.npy"

    def _load(self) -> dict[str, np.ndarray]:
        if not (self._texts_path.exists() and self._vectors_path.exists()):
            return {}
        try:
            texts = json.loads(self._texts_path.read_text(encoding="utf-8"))
            vectors = np.load(self._vectors_path)
        except (OSError, ValueError):
            return {}
        if len(texts) != len(vectors):
            return {}
        return dict(zip(texts, vectors, strict=True))

    def encode(self, texts: Sequence[str], encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Vectors for ``texts``, calling ``encode`` only on those not cached; the cache is then updated."""
        known = self._load()
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            for text, vector in zip(missing, encode(missing), strict=True):
                known[text] = vector
            self._save(known)
        return np.stack([known[t] for t in texts]).astype(np.float32) if texts else np.zeros((0, 0), np.float32)

    def _save(self, known: dict[str, np.ndarray]) -> None:
        self._texts_path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(known)
        tmp_vectors = self._vectors_path.with_suffix(".tmp.npy")
        np.save(tmp_vectors, np.stack([known[t] for t in texts]))
        tmp_texts = self._texts_path.with_suffix(".tmp")
        tmp_texts.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        tmp_vectors.replace(self._vectors_path)
        tmp_texts.replace(self._texts_path)
