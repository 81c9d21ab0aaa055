"""The retriever's fusion, priors and guards on a tiny hand-made catalogue, with the hashing test encoder."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.curated import CuratedEntry
from knowledge_base.embedding import HashingEncoder
from knowledge_base.retrieval.dense import DenseIndex, passages_with_owners
from knowledge_base.retrieval.documents import dense_passages
from knowledge_base.retrieval.index import SearchIndex, lexical_documents, lexical_indexes
from knowledge_base.retrieval.lexical import CoverageIndex
from knowledge_base.retrieval.ranker import RankerParams
from knowledge_base.retrieval.retriever import Retriever
from knowledge_base.schema import Level, Procedure
from knowledge_base.text.tones import ToneRestorer

PROCEDURES = [
    Procedure(code="1.000894", name="Thủ tục đăng ký kết hôn", field="Hộ tịch", levels=[Level.XA]),
    Procedure(code="1.000593", name="Thủ tục đăng ký kết hôn lưu động", field="Hộ tịch", levels=[Level.XA]),
    Procedure(
        code="2.000806",
        name="Thủ tục đăng ký kết hôn có yếu tố nước ngoài",
        field="Hộ tịch",
        levels=[Level.XA],
        foreign=True,
    ),
    Procedure(code="1.001193", name="Thủ tục đăng ký khai sinh", field="Hộ tịch", levels=[Level.XA]),
    Procedure(code="2.000815", name="Chứng thực bản sao từ bản chính", field="Chứng thực", levels=[Level.XA]),
]
CURATED = {
    "1.001193": CuratedEntry("1.001193", everyday=("làm giấy khai sinh cho con",), english=("birth registration",)),
    "2.000815": CuratedEntry("2.000815", everyday=("sao y giấy tờ",), english=("certified copy",)),
}


@pytest.fixture(scope="module")
def retriever() -> Retriever:
    tokens = lexical_documents(PROCEDURES, CURATED)
    encoder = HashingEncoder(dim=64)
    passages, owners, groups = passages_with_owners([dense_passages(p, CURATED.get(p.code)) for p in PROCEDURES])
    index = SearchIndex(
        procedures=PROCEDURES,
        lexical=lexical_indexes(tokens, len(PROCEDURES)),
        name_coverage=CoverageIndex(tokens["name"]),
        dense=DenseIndex(encoder.encode_passages(passages), owners, groups, len(PROCEDURES)),
        encoder=encoder,  # type: ignore[arg-type]
        tones=ToneRestorer.train(["đăng ký kết hôn", "đăng ký khai sinh", "làm giấy khai sinh cho con"]),
        directory=Path("."),
    )
    params = RankerParams()
    params.weights["name_coverage"] = 0.5
    return Retriever(index, params)


def test_plain_question_prefers_the_plain_sibling(retriever: Retriever) -> None:
    result = retriever.search("đăng ký kết hôn cần giấy tờ gì")
    assert result.candidates[0].code == "1.000894"


def test_foreign_sibling_only_when_a_foreigner_is_involved(retriever: Retriever) -> None:
    assert retriever.search("đăng ký kết hôn với người nước ngoài").candidates[0].code == "2.000806"
    assert retriever.search("dang ky ket hon").candidates[0].code == "1.000894"


def test_curated_phrases_and_missing_tone_marks(retriever: Retriever) -> None:
    assert retriever.search("muon sao y giay to").candidates[0].code == "2.000815"
    assert retriever.search("lam giay khai sinh cho con").candidates[0].code == "1.001193"


def test_a_named_code_wins(retriever: Retriever) -> None:
    result = retriever.search("cho tôi hỏi thủ tục 2.000815")
    assert result.by_code and result.candidates[0].code == "2.000815"


def test_empty_and_symbol_only_questions_are_out_of_scope(retriever: Retriever) -> None:
    for text in ("", "   ", "😀😀", "<b></b>"):
        result = retriever.search(text)
        assert result.oos and result.candidates == []


def test_top_k_is_bounded(retriever: Retriever) -> None:
    assert len(retriever.search("đăng ký", top_k=0).candidates) == 1
    assert len(retriever.search("đăng ký", top_k=999).candidates) == len(PROCEDURES)
    scores = [c.score for c in retriever.search("đăng ký kết hôn", top_k=5).candidates]
    assert scores == sorted(scores, reverse=True)


def test_a_question_with_no_known_word_is_out_of_scope(retriever: Retriever) -> None:
    # The default out-of-scope model (all-zero coefficients) would keep it in scope at p = 0.5.
    for text in ("qwrtpl zxvbn", "kkjjhh ppoouu"):
        result = retriever.search(text)
        assert result.oos and result.in_scope_probability == 0.0
    assert not retriever.search("sao y giấy tờ").oos
