"""BM25 (bm25s) over tone-folded syllables and syllable bigrams, with scores on an absolute 0–1 scale.

A raw BM25 score depends on the query's length and words; dividing it by what the query's own words score in a
document of average length that holds each once (the sum of their ``idf / (1 + k1)``) gives ~the fraction of the
query's weight that a document matches (≈ 1 for a full match; a little more when words repeat). A
query whose words the catalogue does not know scores ~0 everywhere instead of being stretched to 1 by min-max
scaling, so a leg without signal cannot drag a fused ranking around.
"""

from __future__ import annotations

import itertools
import logging
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
    bigrams = [f"{a}_{b}" for a, b in itertools.pairwise(unigrams)]
    return unigrams + bigrams


class LexicalIndex:
    """One BM25 index over token lists, scored per owner (by default each document owns itself).

    With ``owners``, several short documents (e.g. the curated phrases of a procedure) belong to one owner and
    an owner scores as its best document, so owners with many documents are not length-penalised.
    """

    def __init__(
        self,
        documents: Sequence[Sequence[str]],
        owners: Sequence[int] | None = None,
        n_owners: int | None = None,
    ) -> None:
        """``documents``: token lists (see :func:`lexical_tokens`); ``owners``: the owner of each document
        (default: the document's own position); ``n_owners``: how many owners (default: one past the largest).
        """
        if owners is None:
            owners = range(len(documents))
        owner_ids = np.asarray(owners, dtype=np.int64)
        if len(owner_ids) != len(documents):
            raise ValueError("documents and owners must align")
        self.size = int(n_owners if n_owners is not None else (owner_ids.max() + 1 if len(owner_ids) else 0))
        if len(owner_ids) and (owner_ids.min() < 0 or owner_ids.max() >= self.size):
            raise ValueError("owner ids must lie in [0, n_owners)")
        order = np.argsort(owner_ids, kind="stable")  # group each owner's documents together
        owner_ids = owner_ids[order]
        corpus = [list(documents[i]) or ["<empty>"] for i in order]
        self._owners, self._starts = np.unique(owner_ids, return_index=True)
        self._pooled = len(self._owners) != len(owner_ids) or not np.array_equal(self._owners, np.arange(self.size))
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import
        self._bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        if corpus:
            self._bm25.index(corpus, show_progress=False)
        df: Counter[str] = Counter()
        for doc in corpus:
            df.update(set(doc))
        n = len(corpus)
        self._idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Scores ≥ 0 (≈ 1 for a full match) for every owner; all zeros when no query token is known."""
        known = [t for t in query_tokens if t in self._idf]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        ceiling = sum(self._idf[t] for t in known) / (1 + K1)
        raw = np.asarray(self._bm25.get_scores(known), dtype=np.float32) / ceiling
        if not self._pooled:
            return raw
        out = np.zeros(self.size, dtype=np.float32)
        out[self._owners] = np.maximum.reduceat(raw, self._starts)
        return out

    def known_fraction(self, query_tokens: Sequence[str]) -> float:
        """Share of the query's unigrams that occur anywhere in the indexed texts."""
        unigrams = [t for t in query_tokens if "_" not in t]
        if not unigrams:
            return 0.0
        return sum(t in self._idf for t in unigrams) / len(unigrams)


class CoverageIndex:
    """How much of each document's own (idf-weighted) words the query covers.

    BM25 asks how much of the query a document matches; this asks the reverse, which separates siblings: for
    "đăng ký kết hôn …" the plain "Đăng ký kết hôn" is fully covered while "Đăng ký kết hôn lưu động" is not.
    """

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        from scipy.sparse import csr_matrix

        unigram_docs = [sorted({t for t in doc if "_" not in t}) for doc in documents]
        df: Counter[str] = Counter(t for doc in unigram_docs for t in doc)
        n = max(len(documents), 1)
        self._vocab = {t: i for i, t in enumerate(sorted(df))}
        idf = np.asarray([math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in sorted(df)], dtype=np.float32)
        rows, cols = [], []
        for r, doc in enumerate(unigram_docs):
            for t in doc:
                rows.append(r)
                cols.append(self._vocab[t])
        values = idf[cols] if cols else np.zeros(0, dtype=np.float32)
        self._matrix = csr_matrix((values, (rows, cols)), shape=(len(documents), len(self._vocab)))
        totals = np.asarray(self._matrix.sum(axis=1)).ravel()
        self._totals = np.where(totals > 0, totals, 1.0).astype(np.float32)

    def coverage(self, query_tokens: Sequence[str]) -> np.ndarray:
        """Per document, the idf-weighted share of its words that occur in the query (0–1)."""
        ids = sorted({self._vocab[t] for t in query_tokens if t in self._vocab})
        if not ids:
            return np.zeros(self._matrix.shape[0], dtype=np.float32)
        covered = np.asarray(self._matrix[:, ids].sum(axis=1)).ravel()
        return (covered / self._totals).astype(np.float32)
