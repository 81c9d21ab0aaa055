"""BM25 (bm25s) over tone-folded syllables and syllable bigrams, with scores on an absolute 0–1 scale.

A raw BM25 score depends on the query's length and words; dividing it by what the query's own words score in a
document of average length that holds each once (the sum of their ``idf / (1 + k1)``) gives ~the fraction of the
query's weight that a document matches (≈ 1 for a full match; a little more when words repeat). A
query whose words the catalogue does not know scores ~0 everywhere instead of being stretched to 1 by min-max
scaling, so a leg without signal cannot drag a fused ranking around.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import bm25s
import numpy as np

K1 = 1.2
B = 0.75


def lexical_tokens(words: Sequence[str]) -> list[str]:
    """Unigrams plus adjacent bigrams ("dang", "ky", "dang_ky") of already folded syllables."""
    unigrams = [w for w in words if w]
    bigrams = [f"{a}_{b}" for a, b in zip(unigrams, unigrams[1:], strict=False)]
    return unigrams + bigrams


class LexicalIndex:
    """One BM25 index over one text per document."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        """``documents``: token lists (see :func:`lexical_tokens`), one per document, in catalogue order."""
        self.size = len(documents)
        self._bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        corpus = [list(doc) if doc else ["<empty>"] for doc in documents]
        self._bm25.index(corpus, show_progress=False)
        df: Counter[str] = Counter()
        for doc in corpus:
            df.update(set(doc))
        n = len(corpus)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Scores ≥ 0 (≈ 1 for a full match) for every document; all zeros when no query token is known."""
        known = [t for t in query_tokens if t in self._idf]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        ceiling = sum(self._idf[t] for t in known) / (1 + K1)
        raw = np.asarray(self._bm25.get_scores(known), dtype=np.float32)
        return raw / ceiling

    def known_fraction(self, query_tokens: Sequence[str]) -> float:
        """Share of the query's unigrams that occur anywhere in the indexed texts."""
        unigrams = [t for t in query_tokens if "_" not in t]
        if not unigrams:
            return 0.0
        return sum(t in self._idf for t in unigrams) / len(unigrams)
