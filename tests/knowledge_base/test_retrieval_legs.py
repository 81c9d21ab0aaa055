"""Unit tests of the lexical and dense legs and of the metric definitions (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.evaluation import Outcome, Question, summarize
from knowledge_base.retrieval.calibration import _threshold
from knowledge_base.retrieval.dense import COSINE_FLOOR, DenseIndex, passages_with_owners, signal
from knowledge_base.retrieval.lexical import LexicalIndex, lexical_tokens


def test_lexical_tokens_adds_bigrams() -> None:
    assert lexical_tokens(["dang", "ky", "khai", "sinh"]) == [
        "dang",
        "ky",
        "khai",
        "sinh",
        "dang_ky",
        "ky_khai",
        "khai_sinh",
    ]
    assert lexical_tokens([]) == []


def test_bm25_scores_are_on_an_absolute_scale() -> None:
    docs = [lexical_tokens(t.split()) for t in ("dang ky khai sinh", "dang ky ket hon", "chung thuc ban sao")]
    index = LexicalIndex(docs)
    exact = index.scores(lexical_tokens(["dang", "ky", "khai", "sinh"]))
    assert exact.argmax() == 0
    assert 0.9 < exact[0] <= 1.2
    # A query of words the corpus never saw has no signal at all (not min-max stretched to 1).
    unknown = index.scores(lexical_tokens(["thoi", "tiet", "ha", "noi"]))
    assert not unknown.any()
    assert index.known_fraction(lexical_tokens(["thoi", "tiet", "khai", "sinh"])) == pytest.approx(0.5)


def test_bm25_empty_query_does_not_raise() -> None:
    index = LexicalIndex([["a"], []])
    assert index.scores([]).tolist() == [0.0, 0.0]


def test_dense_index_max_pools_per_group_and_document() -> None:
    texts, owners, groups = passages_with_owners([[(0, "a"), (1, "b"), (1, "c")], [(0, "d")]])
    assert texts == ["a", "b", "c", "d"] and owners.tolist() == [0, 0, 0, 1] and groups.tolist() == [0, 1, 1, 0]
    vectors = np.eye(4, dtype=np.float32)
    index = DenseIndex(vectors, owners, groups, n_documents=2)
    query = np.asarray([0.1, 0.2, 0.9, 0.3], dtype=np.float32)
    best = index.cosines(query, n_groups=2)
    assert best.shape == (2, 2)
    assert best[1, 0] == pytest.approx(0.9)  # the better of the two curated passages of document 0
    assert best[0, 1] == pytest.approx(0.3)
    assert best[1, 1] == 0.0  # document 1 has no curated passage


def test_dense_signal_is_zero_below_the_floor() -> None:
    out = signal(np.asarray([0.5, COSINE_FLOOR, 1.0], dtype=np.float32))
    assert out.tolist() == [0.0, 0.0, 1.0]


def test_dense_index_round_trip(tmp_path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 8)).astype(np.float32)
    index = DenseIndex(vectors, np.arange(5), np.zeros(5), n_documents=5)
    index.save(tmp_path)
    loaded = DenseIndex.load(tmp_path, n_documents=5)
    q = vectors[3] / np.linalg.norm(vectors[3])
    assert np.allclose(index.cosines(q, 1), loaded.cosines(q, 1))


def _outcome(codes, ranked, said_oos=False, oos=False, variant="diacritics") -> Outcome:
    q = Question(question="q", codes=codes, oos=oos, variant=variant)
    return Outcome(q, ranked, said_oos, "general", 0.01)


def test_metrics_follow_the_contract() -> None:
    outcomes = [
        _outcome(["1.000001"], ["1.000001", "1.000002"]),  # hit@1
        _outcome(["1.000003", "1.000004"], ["1.000009", "1.000008", "1.000004"]),  # hit@3, rr 1/3
        _outcome(["1.000005"], [], said_oos=True),  # in scope but called oos: a miss, and a false oos
        _outcome([], [], said_oos=True, oos=True, variant="english"),  # correct oos
        _outcome([], ["1.000001"], said_oos=False, oos=True, variant="english"),  # missed oos
    ]
    s = summarize(outcomes)
    assert s["n"] == 5
    assert s["hit@1"] == pytest.approx(2 / 5)
    assert s["hit@3"] == pytest.approx(3 / 5)
    assert s["mrr"] == pytest.approx((1 + 1 / 3 + 0 + 1 + 0) / 5, abs=1e-4)
    assert s["oos_precision"] == pytest.approx(0.5)
    assert s["oos_recall"] == pytest.approx(0.5)
    assert s["by_variant"]["english"]["n"] == 2
    assert set(s["latency_ms"]) == {"p50", "p95"}


def test_oos_threshold_respects_the_precision_target() -> None:
    probs = np.asarray([0.05, 0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9])
    is_oos = np.asarray([True, True, True, False, False, False, False, False])
    threshold, precision, recall = _threshold(probs, is_oos)
    assert precision >= 0.9 and recall == pytest.approx(1.0)
    assert 0.2 < threshold <= 0.3
