"""Fit the fusion weights and the out-of-scope decision on our own question set.

Weights: a listwise softmax fit with an L2 penalty whose strength is chosen by cross-validation (hit@1 + MRR)
on in-scope questions.
Out of scope: a logistic regression on query-level features, one of them a linear score on the query embedding;
its threshold is chosen on cross-validated probabilities to maximize out-of-scope recall while keeping precision
≥ the target (computed for the expected share of out-of-scope questions).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from knowledge_base.evaluation import load_questions
from knowledge_base.retrieval.ranker import FEATURES, OOS_FEATURES, RankerParams

if TYPE_CHECKING:
    from knowledge_base.retrieval.retriever import Retriever

CALIBRATION_DIR = Path(__file__).parents[1] / "data" / "calibration"


def calibration_files() -> list[Path]:
    """Our own question sets (``questions*.jsonl``) that the ranker is fitted on."""
    return sorted(CALIBRATION_DIR.glob("questions*.jsonl"))


PRECISION_TARGET = 0.9
# The share of out-of-scope questions that precision is computed for (our calibration sets hold more of them than
# citizens send; see :func:`_threshold`).
EXPECTED_OOS_SHARE = 0.1
# L2 strengths tried for the ranking fit; the one with the best cross-validated hit@1 + MRR is kept.
REGULARISATION_GRID = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3)
RANKING_FOLDS = 4
# L2 inverse strength of the embedding score of the out-of-scope model (chosen by cross-validation on our sets).
EMBEDDING_C = 1.0


def ranking_quality(stack: np.ndarray, gold_masks: np.ndarray, weights: np.ndarray) -> float:
    """hit@1 + MRR of the gold procedures when ranked by ``stack @ weights`` (ties count against the gold)."""
    scores = stack @ weights  # (Q, D)
    gold_best = np.where(gold_masks, scores, -np.inf).max(axis=1)
    ranks = ((scores >= gold_best[:, None]) & ~gold_masks).sum(axis=1) + 1
    return float(np.mean(ranks == 1) + np.mean(1.0 / ranks))


def fit_weights(stack: np.ndarray, gold_masks: np.ndarray, regularisation: float) -> np.ndarray:
    """Weights minimising the listwise softmax loss (−log of the gold share of the softmax over the whole
    catalogue) plus ``regularisation · ‖w‖²``.

    The loss is convex in the weights, so the fit has one optimum and moves smoothly when the features move;
    the coordinate search over a grid that it replaced jumped between flat plateaus of hit@1.
    """
    from scipy.optimize import minimize
    from scipy.special import logsumexp

    x = stack.astype(np.float64)
    n = len(x)

    def loss_and_gradient(w: np.ndarray) -> tuple[float, np.ndarray]:
        scores = x @ w
        log_all = logsumexp(scores, axis=1)
        gold_scores = np.where(gold_masks, scores, -np.inf)
        log_gold = logsumexp(gold_scores, axis=1)
        p_all = np.exp(scores - log_all[:, None])
        p_gold = np.exp(gold_scores - log_gold[:, None])
        loss = float(np.mean(log_all - log_gold) + regularisation * w @ w)
        gradient = np.einsum("qd,qdf->f", p_all - p_gold, x) / n + 2 * regularisation * w
        return loss, gradient

    start = RankerParams().weight_vector().astype(np.float64)
    result = minimize(loss_and_gradient, start, jac=True, method="L-BFGS-B")
    return result.x.astype(np.float32)


def choose_regularisation(stack: np.ndarray, gold_masks: np.ndarray) -> tuple[float, dict[str, float]]:
    """The L2 strength of :data:`REGULARISATION_GRID` with the best cross-validated hit@1 + MRR."""
    from sklearn.model_selection import KFold

    folds = list(KFold(RANKING_FOLDS, shuffle=True, random_state=0).split(stack))
    quality = {}
    for strength in REGULARISATION_GRID:
        values = [
            ranking_quality(stack[test], gold_masks[test], fit_weights(stack[train], gold_masks[train], strength))
            for train, test in folds
        ]
        quality[strength] = float(np.mean(values))
    best = max(quality, key=lambda k: quality[k])
    return best, {f"cv_quality_l2_{k:g}": round(v, 4) for k, v in quality.items()}


def _threshold(
    probabilities: np.ndarray, is_oos: np.ndarray, oos_share: float | None = None
) -> tuple[float, float, float]:
    """The in-scope-probability threshold with the best oos recall at precision ≥ target.

    Precision depends on how many questions are out of scope. With ``oos_share``, it is computed as if that share
    of the questions were out of scope (the out-of-scope examples are reweighted), so that a calibration set rich
    in out-of-scope examples does not pick a threshold that refuses too many real questions.
    """
    n_oos, n_in = int(is_oos.sum()), int((~is_oos).sum())
    weight = 1.0
    if oos_share is not None and n_oos and n_in:
        weight = oos_share / (1 - oos_share) * n_in / n_oos
    best = (0.5, 0.0, 0.0)
    for t in np.unique(np.round(probabilities, 4)):
        said = probabilities < t
        if not said.any():
            continue
        caught = float((said & is_oos).sum()) * weight
        precision = caught / (caught + float((said & ~is_oos).sum()))
        recall = float((said & is_oos).sum() / max(n_oos, 1))
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
    before = ranking_quality(stack, gold, RankerParams().weight_vector())
    strength, cv_quality = choose_regularisation(stack, gold)
    weights = fit_weights(stack, gold, strength)
    after = ranking_quality(stack, gold, weights)

    params = RankerParams(weights={n: round(float(w), 4) for n, w in zip(FEATURES, weights, strict=True)})
    y = np.asarray([0 if q.oos else 1 for q in questions])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    # The embedding score enters the out-of-scope model out of fold, as it will on unseen questions.
    vectors = np.stack([f.vector for f in features])
    embedding = LogisticRegression(C=EMBEDDING_C, class_weight="balanced", max_iter=3000)
    embedding_cv = cross_val_predict(embedding, vectors, y, cv=folds, method="decision_function")
    embedding.fit(vectors, y)
    x = np.stack(
        [retriever.oos_features(f, f.matrix @ weights, float(e)) for f, e in zip(features, embedding_cv, strict=True)]
    )
    scaler = StandardScaler().fit(x)
    xs = scaler.transform(x)
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    cv_prob = cross_val_predict(model, xs, y, cv=folds, method="predict_proba")[:, 1]
    threshold, precision, recall = _threshold(cv_prob, y == 0, EXPECTED_OOS_SHARE)
    model.fit(xs, y)
    params.embedding_coef = [round(float(c), 6) for c in embedding.coef_[0]]
    params.embedding_intercept = round(float(embedding.intercept_[0]), 6)
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
        "l2": strength,
        **cv_quality,
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
