"""The fusion of retrieval legs and the out-of-scope decision, with parameters calibrated on data.

Parameters live in ``data/calibration/ranker.json``, written by ``motcua calibrate`` from our own question set
(``data/calibration/questions.jsonl``) — never from the dev set.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

RANKER_PATH = Path(__file__).parents[1] / "data" / "calibration" / "ranker.json"

# Per-(query, procedure) features, in this order.
# Evidence from the retrieval legs (0–1 scale each).
EVIDENCE_FEATURES = (
    "bm25_name",
    "bm25_curated",
    "bm25_full",
    "dense_name",
    "dense_curated",
    "name_coverage",
)
# 0/1 priors that steer between sibling variants of a procedure.
PRIOR_FEATURES = (
    "commune_level",
    "foreign_unasked",
    "foreign_asked",
    "foreign_english",
    "undoing_unasked",
    "variant_asked",
    "variant_unasked",
    "place_match",
    "place_mismatch",
    "ministry_unasked",
)
FEATURES = EVIDENCE_FEATURES + PRIOR_FEATURES
# Per-query features for the out-of-scope decision: the fused top score and its margin, the best value of each
# retrieval leg over the catalogue, the share of query words the catalogue knows, the query's length, and how
# much the query's own embedding looks like a question about paperwork (a linear score fitted on our questions).
OOS_FEATURES = (
    "top_score",
    "margin",
    "top_dense_raw",
    "top_dense_name",
    "top_dense_curated",
    "top_bm25_name",
    "top_bm25_curated",
    "top_bm25_full",
    "top_name_coverage",
    "known_fraction",
    "query_words",
    "embedding_in_scope",
)

DEFAULT_WEIGHTS = {
    "bm25_name": 1.0,
    "bm25_curated": 1.0,
    "bm25_full": 0.3,
    "dense_name": 1.0,
    "dense_curated": 1.0,
    "name_coverage": 0.3,
    "commune_level": 0.05,
    "foreign_unasked": -0.3,
    "foreign_asked": 0.2,
    "foreign_english": 0.0,
    "undoing_unasked": 0.0,
    "variant_asked": 0.0,
    "variant_unasked": 0.0,
    "place_match": 0.0,
    "place_mismatch": 0.0,
    "ministry_unasked": -0.05,
}


@dataclass
class RankerParams:
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    oos_coef: list[float] = field(default_factory=lambda: [0.0] * len(OOS_FEATURES))
    oos_intercept: float = 0.0
    oos_mean: list[float] = field(default_factory=lambda: [0.0] * len(OOS_FEATURES))  # standardization
    oos_scale: list[float] = field(default_factory=lambda: [1.0] * len(OOS_FEATURES))
    # A linear score on the query embedding (in scope > 0), fitted with the out-of-scope model.
    embedding_coef: list[float] = field(default_factory=list)
    embedding_intercept: float = 0.0
    oos_threshold: float = 0.5  # probability of being in scope below which a question is out of scope
    ambiguity_margin: float = 0.03  # top-2 fused scores closer than this (relative) → "Ý bạn là…?"
    calibrated_on: str = "defaults"
    notes: dict[str, float] = field(default_factory=dict)

    def weight_vector(self) -> np.ndarray:
        return np.asarray([self.weights.get(name, 0.0) for name in FEATURES], dtype=np.float32)

    def embedding_score(self, vector: np.ndarray | None) -> float:
        """The fitted in-scope score of a query embedding; 0 without coefficients for its dimension."""
        if vector is None or len(self.embedding_coef) != len(vector):
            return 0.0
        return float(np.dot(self.embedding_coef, vector) + self.embedding_intercept)

    def in_scope_probability(self, oos_features: np.ndarray) -> float:
        if len(self.oos_coef) != len(oos_features):
            return 1.0  # parameters from another feature layout: never refuse on them
        scaled = (np.asarray(oos_features) - np.asarray(self.oos_mean)) / np.asarray(self.oos_scale)
        z = float(np.dot(self.oos_coef, scaled) + self.oos_intercept)
        return 1.0 / (1.0 + np.exp(-z))

    def save(self, path: Path = RANKER_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = RANKER_PATH) -> RankerParams:
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text(encoding="utf-8")))
