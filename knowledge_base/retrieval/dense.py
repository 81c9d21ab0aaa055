"""Dense retrieval: sentence-transformer passage vectors in a FAISS inner-product index, max-pooled per procedure."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import faiss
import numpy as np

# e5 cosines between unrelated texts sit around 0.7–0.75; only the part above this floor carries signal.
COSINE_FLOOR = 0.76


class DenseIndex:
    """Passages (several per procedure), each owned by a document index and tagged with a group."""

    def __init__(self, vectors: np.ndarray, owners: np.ndarray, groups: np.ndarray, n_documents: int) -> None:
        if vectors.ndim != 2 or len(vectors) != len(owners) or len(owners) != len(groups):
            raise ValueError("vectors, owners and groups must align")
        self.n_documents = n_documents
        self.owners = owners.astype(np.int64)
        self.groups = groups.astype(np.int8)
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._index = faiss.IndexFlatIP(vectors.shape[1])
        self._index.add(self._vectors)

    @property
    def n_passages(self) -> int:
        return int(self._index.ntotal)

    def cosines(self, query_vector: np.ndarray, n_groups: int, k: int = 400) -> np.ndarray:
        """Best raw cosine per (group, document): shape (n_groups, n_documents); 0 where nothing was retrieved."""
        k = min(k, self.n_passages)
        sims, ids = self._index.search(np.ascontiguousarray(query_vector.reshape(1, -1), dtype=np.float32), k)
        best = np.zeros((n_groups, self.n_documents), dtype=np.float32)
        valid = ids[0] >= 0
        ids_v, sims_v = ids[0][valid], sims[0][valid]
        np.maximum.at(best, (self.groups[ids_v], self.owners[ids_v]), sims_v)
        return best

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "vectors.npy", self._vectors)
        np.save(directory / "owners.npy", self.owners)
        np.save(directory / "groups.npy", self.groups)

    @classmethod
    def load(cls, directory: Path, n_documents: int) -> DenseIndex:
        return cls(
            np.load(directory / "vectors.npy"),
            np.load(directory / "owners.npy"),
            np.load(directory / "groups.npy"),
            n_documents,
        )


def signal(cosines: np.ndarray) -> np.ndarray:
    """Map raw cosines to 0–1 signal: 0 at or below the floor of unrelated texts."""
    return np.clip((cosines - COSINE_FLOOR) / (1.0 - COSINE_FLOOR), 0.0, 1.0)


def passages_with_owners(per_document: Sequence[Sequence[tuple[int, str]]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Flatten ``[(group, text), …]`` per document into texts, owner ids and group ids."""
    texts: list[str] = []
    owners: list[int] = []
    groups: list[int] = []
    for doc_id, items in enumerate(per_document):
        for group, text in items:
            texts.append(text)
            owners.append(doc_id)
            groups.append(group)
    return texts, np.asarray(owners, dtype=np.int64), np.asarray(groups, dtype=np.int8)
