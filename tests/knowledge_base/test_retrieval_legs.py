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


def test_owned_documents_score_as_their_best_document() -> None:
    # Owners 2, 0, 0 (given out of order); owner 1 has no document at all.
    docs = [lexical_tokens(t.split()) for t in ("chung thuc ban sao", "dang ky khai sinh", "lam giay khai sinh")]
    index = LexicalIndex(docs, owners=[2, 0, 0], n_owners=3)
    plain = LexicalIndex(docs)
    query = lexical_tokens(["dang", "ky", "khai", "sinh"])
    pooled, single = index.scores(query), plain.scores(query)
    assert pooled.shape == (3,)
    assert pooled[0] == pytest.approx(max(single[1], single[2]))
    assert pooled[1] == 0.0
    assert pooled[2] == pytest.approx(single[0])
    with pytest.raises(ValueError):
        LexicalIndex(docs, owners=[0, 1])


def test_curated_leg_does_not_penalise_procedures_with_many_phrases() -> None:
    """A procedure with one exact phrase among many must not lose to a sibling with few phrases.

    Joined into one document per procedure (the old layout), "Đăng ký thường trú" with its many phrases ranks
    below "Xóa đăng ký thường trú" for the query "đăng ký thường trú"; scored per phrase it ranks first.
    """
    from knowledge_base.curated import CuratedEntry
    from knowledge_base.retrieval.index import fold_tokens, lexical_documents, lexical_indexes
    from knowledge_base.schema import Procedure

    procedures = [
        Procedure(code="1.003197", name="Xóa đăng ký thường trú", field="Cư trú"),
        Procedure(code="1.004222", name="Đăng ký thường trú", field="Cư trú"),
        Procedure(code="1.004194", name="Đăng ký tạm trú", field="Cư trú"),
    ]
    many = (
        "nhập hộ khẩu",
        "nhập khẩu cho con",
        "đăng ký thường trú",
        "chuyển hộ khẩu về quê",
        "nhập khẩu về nhà chồng",
        "làm hộ khẩu cho vợ",
        "nhập hộ khẩu vào nhà mới mua",
        "mới mua nhà, muốn chuyển hộ khẩu về nhà mới",
    )
    curated = {
        "1.003197": CuratedEntry("1.003197", everyday=("xóa đăng ký thường trú", "cắt khẩu")),
        "1.004222": CuratedEntry("1.004222", everyday=many),
        "1.004194": CuratedEntry("1.004194", everyday=("đăng ký tạm trú", "khai báo tạm trú khi thuê trọ")),
    }
    query = fold_tokens("đăng ký thường trú")
    joined = LexicalIndex([fold_tokens(" . ".join(curated[p.code].phrases)) for p in procedures])
    assert joined.scores(query).argmax() == 0  # the defect this layout fixes

    tokens = lexical_documents(procedures, curated)
    assert len(tokens["curated"]) == 2 + len(many) + 2
    assert tokens["curated_owners"] == [0, 0] + [1] * len(many) + [2, 2]
    scores = lexical_indexes(tokens, len(procedures))["curated"].scores(query)
    assert scores.argmax() == 1
    assert scores[1] > scores[0] > scores[2]


def test_a_redo_variant_counts_as_unasked_unless_the_question_asks_for_it() -> None:
    from knowledge_base.retrieval.signals import REDO, name_undoing_words, undoing_words
    from knowledge_base.text import fold

    assert name_undoing_words(fold("Đăng ký lại khai tử").lower()) == {REDO}
    assert name_undoing_words(fold("Thủ tục đăng ký lại kết hôn").lower()) == {REDO}
    # A name that merely lists the redo among the plain operations is the plain procedure.
    assert name_undoing_words(fold("Đăng ký, đăng ký lại, điều chỉnh đóng BHXH tự nguyện").lower()) == set()
    assert name_undoing_words(fold("Xóa đăng ký thường trú").lower()) == {"xoa"}
    assert REDO not in undoing_words("the con khai tu thi sao")
    assert REDO in undoing_words("giay khai sinh mat roi muon lam lai")
    assert REDO in undoing_words("how do i re register a death")
