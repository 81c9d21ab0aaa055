"""Hybrid retrieval over the catalogue: lexical + dense legs fused linearly, sibling priors, out-of-scope check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from knowledge_base.retrieval.dense import signal
from knowledge_base.retrieval.documents import DENSE_GROUPS, display_name
from knowledge_base.retrieval.index import SearchIndex, fold_tokens
from knowledge_base.retrieval.ranker import FEATURES, RankerParams
from knowledge_base.retrieval.signals import (
    UNDOING_WORDS,
    VARIANT_NAMES,
    applicant_abroad,
    asked_variant_operations,
    is_commune_level,
    is_ministry_only,
    mentions_foreign,
    mentions_ministry,
    name_place,
    name_undoing_words,
    name_variant_operations,
    undoing_words,
)
from knowledge_base.schema import Procedure
from knowledge_base.text import PreparedQuery, fold, prepare_query

CODE_IN_TEXT = re.compile(r"\b\d\.\d{6}\b")
MAX_QUERY_CHARS = 1000


@dataclass
class Candidate:
    procedure: Procedure
    score: float
    features: dict[str, float] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.procedure.code

    @property
    def name(self) -> str:
        return display_name(self.procedure)


@dataclass
class SearchResult:
    query: str
    prepared: PreparedQuery | None
    candidates: list[Candidate]
    oos: bool
    in_scope_probability: float
    ambiguous: bool = False
    by_code: bool = False  # the question named a procedure code


@dataclass
class QueryFeatures:
    """Everything the ranker needs about one query: per-procedure features and query-level facts."""

    prepared: PreparedQuery
    matrix: np.ndarray  # (n_procedures, len(FEATURES))
    dense_raw: np.ndarray  # (n_procedures,) best raw cosine over the dense groups
    known_fraction: float
    known_anywhere: bool = True  # some query word occurs in a procedure name, curated phrase or full text
    vector: np.ndarray | None = None  # the query embedding


def _carried(carried_by_name: list[set[str]], vocabulary: tuple[str, ...]) -> np.ndarray:
    """(n_procedures, len(vocabulary)) booleans: which of ``vocabulary`` (undoing words, variant operations) each
    procedure name carries."""
    return np.asarray([[word in carried for word in vocabulary] for carried in carried_by_name], dtype=bool)


class Retriever:
    def __init__(self, index: SearchIndex, params: RankerParams | None = None) -> None:
        self.index = index
        self.params = params or RankerParams.load()
        self._weights = self.params.weight_vector()
        self._codes = {p.code: i for i, p in enumerate(index.procedures)}
        folded_names = [fold(display_name(p)).lower() for p in index.procedures]
        self._static = self._static_features(folded_names)
        self._undoing = _carried([name_undoing_words(n) for n in folded_names], UNDOING_WORDS)
        self._variants = _carried([name_variant_operations(n) for n in folded_names], VARIANT_NAMES)

    def _static_features(self, folded_names: list[str]) -> dict[str, np.ndarray]:
        procs = self.index.procedures
        places = [name_place(n) for n in folded_names]
        return {
            "commune": np.asarray([is_commune_level(p) for p in procs], dtype=np.float32),
            "foreign": np.asarray([p.foreign for p in procs], dtype=np.float32),
            "ministry": np.asarray([is_ministry_only(p) for p in procs], dtype=np.float32),
            "abroad": np.asarray([place == "abroad" for place in places], dtype=np.float32),
            "domestic": np.asarray([place == "domestic" for place in places], dtype=np.float32),
        }

    def _variant_columns(self, folded_query: str) -> tuple[np.ndarray, np.ndarray]:
        """Per procedure: 1 when its name carries an operation the question asks for (``variant_asked``), and 1
        when it carries one the question does not ask for (``variant_unasked``)."""
        asked = asked_variant_operations(folded_query)
        mask = np.asarray([v in asked for v in VARIANT_NAMES], dtype=bool)
        return (
            self._variants[:, mask].any(axis=1).astype(np.float32),
            self._variants[:, ~mask].any(axis=1).astype(np.float32),
        )

    def _undoing_unasked(self, folded_query: str) -> np.ndarray:
        """1 for procedures whose name undoes something (dừng, thu hồi, xóa…) that the question does not name."""
        asked = undoing_words(folded_query)
        unasked = np.asarray([w not in asked for w in UNDOING_WORDS], dtype=bool)
        return self._undoing[:, unasked].any(axis=1).astype(np.float32)

    def procedure(self, code: str) -> Procedure | None:
        """The catalogue entry for a procedure code, or None."""
        i = self._codes.get(code)
        return self.index.procedures[i] if i is not None else None

    def prepare(self, text: str) -> PreparedQuery:
        return prepare_query(text[:MAX_QUERY_CHARS], restorer=self.index.tones)

    def query_features(self, prepared: PreparedQuery) -> QueryFeatures:
        tokens = fold_tokens(prepared.folded)
        lexical = self.index.lexical
        vector = self.index.encoder.encode_queries([prepared.restored or prepared.cleaned or " "])[0]
        cos = self.index.dense.cosines(vector, n_groups=len(DENSE_GROUPS))
        foreign_q = mentions_foreign(prepared.folded)
        ministry_q = mentions_ministry(prepared.folded)
        st = self._static
        variant_asked, variant_unasked = self._variant_columns(prepared.folded_own)
        abroad_q = applicant_abroad(prepared.folded_own)
        here, there = (st["abroad"], st["domestic"]) if abroad_q else (st["domestic"], st["abroad"])
        columns = [
            lexical["name"].scores(tokens),
            lexical["curated"].scores(tokens),
            lexical["full"].scores(tokens),
            signal(cos[0]),
            signal(cos[1]),
            self.index.name_coverage.coverage(tokens),
            st["commune"],
            st["foreign"] * (not foreign_q),
            st["foreign"] * foreign_q,
            st["foreign"] * (prepared.language == "en"),
            self._undoing_unasked(prepared.folded),
            variant_asked,
            variant_unasked,
            here,
            there,
            st["ministry"] * (not ministry_q),
        ]
        matrix = np.stack(columns, axis=1).astype(np.float32)
        anywhere = any(leg.known_fraction(tokens) > 0 for leg in lexical.values())
        known = lexical["name"].known_fraction(tokens)
        return QueryFeatures(prepared, matrix, cos.max(axis=0), known, anywhere, vector)

    def oos_features(self, qf: QueryFeatures, scores: np.ndarray, embedding_score: float | None = None) -> np.ndarray:
        """The query-level features of :data:`OOS_FEATURES`, in that order (``embedding_score``: instead of the
        fitted one, as calibration does with out-of-fold scores)."""
        if len(scores) > 1:
            top2 = -np.partition(-scores, 1)[:2]  # the two best, without sorting the whole catalogue
            top, second = float(top2.max()), float(top2.min())
        else:
            top, second = float(scores[0]), 0.0
        best = qf.matrix.max(axis=0)
        column = {name: float(best[i]) for i, name in enumerate(FEATURES)}
        values = [
            top,
            top - second,
            float(qf.dense_raw.max()),
            column["dense_name"],
            column["dense_curated"],
            column["bm25_name"],
            column["bm25_curated"],
            column["bm25_full"],
            column["name_coverage"],
            qf.known_fraction,
            float(len(qf.prepared.folded.split())),
            self.params.embedding_score(qf.vector) if embedding_score is None else embedding_score,
        ]
        return np.asarray(values, dtype=np.float32)

    def search(self, text: str, top_k: int = 5) -> SearchResult:
        """The best ``top_k`` procedures for a citizen's question, best first."""
        top_k = max(1, min(int(top_k), 50))
        text = text or ""
        named = [c for c in CODE_IN_TEXT.findall(text) if c in self._codes]
        prepared = self.prepare(text)
        if not prepared.folded.strip():
            return SearchResult(text, prepared, [], oos=True, in_scope_probability=0.0)
        qf = self.query_features(prepared)
        scores = qf.matrix @ self._weights
        if named:  # a procedure code named in the question ranks first, whatever the weights' scale
            first = float(scores.max()) + 1.0
            for code in named:
                scores[self._codes[code]] = first
        order = np.argsort(-scores)[:top_k]
        candidates = [
            Candidate(
                self.index.procedures[i],
                round(float(scores[i]), 4),
                {name: round(float(v), 4) for name, v in zip(FEATURES, qf.matrix[i], strict=True)},
            )
            for i in order
        ]
        if named:
            p_in = 1.0
        elif not qf.known_anywhere:
            p_in = 0.0  # not one word of the question occurs anywhere in the catalogue or the curated phrases
        else:
            p_in = self.params.in_scope_probability(self.oos_features(qf, scores))
        oos = p_in < self.params.oos_threshold
        ambiguous = (
            not oos
            and not named
            and len(candidates) > 1
            and candidates[1].score >= candidates[0].score * (1 - self.params.ambiguity_margin)
        )
        return SearchResult(text, prepared, candidates, oos, round(p_in, 4), ambiguous, bool(named))
