"""Fit the fusion weights and the out-of-scope decision on our own question set.

Weights: coordinate ascent over a multiplicative grid, maximizing hit@1 + MRR on in-scope questions.
Out of scope: a logistic regression on query-level features; its threshold is chosen on cross-validated
probabilities to maximize out-of-scope recall while keeping precision ≥ the target.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from knowledge_base.evaluation import load_questions
from knowledge_base.retrieval.ranker import FEATURES, OOS_FEATURES, PRIOR_FEATURES, RankerParams

if TYPE_CHECKING:
    from knowledge_base.retrieval.retriever import Retriever

CALIBRATION_DIR = Path(__file__).parents[1] / "data" / "calibration"


def calibration_files() -> list[Path]:
    """Our own question sets (``questions*.jsonl``) that the ranker is fitted on."""
    return sorted(CALIBRATION_DIR.glob("questions*.jsonl"))


PRECISION_TARGET = 0.9
_GRID = (0.0, 0.25, 0.5, 0.8, 1.25, 2.0, 4.0)
_PRIOR_GRID = (-0.8, -0.4, -0.2, -0.1, -0.05, 0.0, 0.05, 0.1, 0.2, 0.4, 0.8)


def _objective(stack: np.ndarray, gold_masks: np.ndarray, weights: np.ndarray) -> float:
    scores = stack @ weights  # (Q, D)
    gold_best = np.where(gold_masks, scores, -np.inf).max(axis=1)
    ranks = (scores > gold_best[:, None]).sum(axis=1) + 1
    return float(np.mean(ranks == 1) + np.mean(1.0 / ranks))


def fit_weights(stack: np.ndarray, gold_masks: np.ndarray, start: np.ndarray, rounds: int = 3) -> np.ndarray:
    best = start.copy()
    best_value = _objective(stack, gold_masks, best)
    for _ in range(rounds):
        improved = False
        for j, name in enumerate(FEATURES):
            grid = _PRIOR_GRID if name in PRIOR_FEATURES else tuple(g * max(abs(start[j]), 1.0) for g in _GRID)
            for value in grid:
                trial = best.copy()
                trial[j] = value
                v = _objective(stack, gold_masks, trial)
                if v > best_value + 1e-9:
                    best, best_value, improved = trial, v, True
        if not improved:
            break
    return best


def _threshold(probabilities: np.ndarray, is_oos: np.ndarray) -> tuple[float, float, float]:
    """The in-scope-probability threshold with the best oos recall at precision ≥ target."""
    best = (0.5, 0.0, 0.0)
    for t in np.unique(np.round(probabilities, 4)):
        said = probabilities < t
        if not said.any():
            continue
        precision = float((said & is_oos).sum() / said.sum())
        recall = float((said & is_oos).sum() / max(is_oos.sum(), 1))
        if precision >= PRECISION_TARGET and recall > best[2]:
            best = (float(t), precision, recall)
    return best


def calibrate(retriever: Retriever, question_files: list[Path]) -> tuple[RankerParams, dict[str, Any]]:
    """Fit weights (from the defaults, so the result depends only on the data) and the out-of-scope model."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.preprocessing import StandardScaler

    questions = [q for path in question_files for q in load_questions(path)]
    codes = retriever._codes
    features = [retriever.query_features(retriever.prepare(q.question)) for q in questions]
    in_scope = [i for i, q in enumerate(questions) if not q.oos and any(c in codes for c in q.codes)]
    stack = np.stack([features[i].matrix for i in in_scope])
    gold = np.zeros(stack.shape[:2], dtype=bool)
    for row, i in enumerate(in_scope):
        for c in questions[i].codes:
            if c in codes:
                gold[row, codes[c]] = True
    start = RankerParams().weight_vector()
    before = _objective(stack, gold, start)
    weights = fit_weights(stack, gold, start)
    after = _objective(stack, gold, weights)

    params = RankerParams(weights={n: round(float(w), 4) for n, w in zip(FEATURES, weights, strict=True)})
    x = np.stack([retriever.oos_features(f, f.matrix @ weights) for f in features])
    y = np.asarray([0 if q.oos else 1 for q in questions])
    scaler = StandardScaler().fit(x)
    xs = scaler.transform(x)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    cv_prob = cross_val_predict(model, xs, y, cv=folds, method="predict_proba")[:, 1]
    threshold, precision, recall = _threshold(cv_prob, y == 0)
    model.fit(xs, y)
    params.oos_coef = [round(float(c), 5) for c in model.coef_[0]]
    params.oos_intercept = round(float(model.intercept_[0]), 5)
    params.oos_mean = [round(float(v), 6) for v in scaler.mean_]
    params.oos_scale = [round(float(v), 6) if v > 0 else 1.0 for v in scaler.scale_]
    params.oos_threshold = round(threshold, 4)
    names = ", ".join(p.name for p in question_files)
    params.calibrated_on = f"{names}: {len(questions)} questions ({int((y == 0).sum())} oos)"
    params.notes = {
        "objective_before": round(before, 4),
        "objective_after": round(after, 4),
        "cv_oos_precision": round(precision, 4),
        "cv_oos_recall": round(recall, 4),
    }
    report = {
        "weights": params.weights,
        "oos_features": list(OOS_FEATURES),
        **params.notes,
        "oos_threshold": params.oos_threshold,
    }
    return params, report
