"""Unit tests of the query-side signals that choose between sibling variants, and of the smooth ranking fit."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.retrieval.calibration import fit_weights, ranking_quality
from knowledge_base.retrieval.ranker import FEATURES
from knowledge_base.retrieval.signals import (
    applicant_abroad,
    asked_variant_operations,
    mentions_foreign,
    name_place,
    name_variant_operations,
)
from knowledge_base.text import fold, prepare_query


def folded(text: str) -> str:
    return fold(text).lower()


@pytest.mark.parametrize(
    ("name", "operations"),
    [
        ("Cấp lại thẻ căn cước", {"reissue"}),
        ("Cấp lại, đổi, điều chỉnh thông tin trên sổ BHXH, thẻ BHYT", {"reissue"}),
        ("Cấp đổi Giấy chứng nhận quyền sử dụng đất", {"exchange"}),
        ("Gia hạn tạm trú", {"extend"}),
        ("Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch", {"amend"}),
        ("Thủ tục đăng ký kết hôn lưu động", {"mobile"}),
        # The plain procedure, even when it lists the variant after it.
        ("Cấp, cấp lại giấy phép hành nghề", set()),
        ("Cấp thẻ căn cước cho người từ đủ 14 tuổi trở lên", set()),
    ],
)
def test_a_name_carries_the_operation_it_starts_with(name: str, operations: set[str]) -> None:
    assert name_variant_operations(folded(name)) == operations


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("làm rơi thẻ căn cước rồi, xin cấp lại ở đâu", {"reissue"}),
        ("bi mat the can cuoc thi lam sao", {"reissue"}),
        ("sổ đỏ bị rách nát muốn đổi sang sổ mới", {"reissue", "exchange"}),
        ("thẻ tạm trú sắp hết hạn", {"extend", "exchange"}),
        ("giấy khai sinh ghi sai ngày sinh của con", {"amend"}),
        ("mẹ tôi nằm một chỗ, cán bộ đến tận nhà được không", {"mobile"}),
        ("my ID card was stolen, how do I get a replacement", {"reissue"}),
        # "mất" as in "takes" or "died" asks for nothing; neither does "rồi" (already).
        ("làm căn cước mất bao lâu", set()),
        ("bố tôi mất rồi, làm khai tử ở đâu", set()),
        ("đăng ký kết hôn rồi thì làm gì tiếp", set()),
    ],
)
def test_the_operations_a_question_asks_for(question: str, asked: set[str]) -> None:
    assert asked_variant_operations(prepare_query(question).folded_own) == asked


def test_the_citizens_own_words_leave_out_the_alias_terms() -> None:
    # Variant operations are read from ``folded_own``: alias terms such as "cấp lại thẻ …" must not count as asked.
    prepared = prepare_query("nhập hộ khẩu cho con cần giấy tờ gì")
    assert "dang ky thuong tru" in prepared.folded
    assert prepared.folded_own == "nhap ho khau cho con can giay to gi"


@pytest.mark.parametrize(
    ("question", "foreign"),
    [
        ("chế độ thai sản cho lao động nữ", False),
        ("mang thai 7 tháng có được nghỉ không", False),
        ("tôi là người Thái ở Sơn La", False),
        ("con tôi sinh ở Thái Bình", False),
        ("vợ tôi là người Thái Lan", True),
        ("my wife is a Thai national", True),
        ("lấy chồng người Đài Loan", True),
    ],
)
def test_thai_is_foreign_only_as_the_nationality(question: str, foreign: bool) -> None:
    assert mentions_foreign(folded(question)) is foreign


@pytest.mark.parametrize(
    ("question", "abroad"),
    [
        ("I live in Germany and want to renounce my Vietnamese nationality", True),
        ("tôi đang định cư ở Úc muốn trở lại quốc tịch Việt Nam", True),
        ("nộp hồ sơ ở đại sứ quán được không", True),
        ("I am Vietnamese living in Hanoi and about to be naturalised in Singapore", False),
        ("tôi ở Hà Nội muốn thôi quốc tịch", False),
    ],
)
def test_the_applicant_is_abroad_only_when_the_question_says_so(question: str, abroad: bool) -> None:
    assert applicant_abroad(folded(question)) is abroad


def test_names_filed_by_place() -> None:
    assert name_place(folded("Thôi quốc tịch Việt Nam ở nước ngoài")) == "abroad"
    assert name_place(folded("Cấp giấy xác nhận có quốc tịch Việt Nam ở trong nước")) == "domestic"
    # "có yếu tố nước ngoài" is the foreign element, not a place of filing.
    assert name_place(folded("Thủ tục đăng ký kết hôn có yếu tố nước ngoài")) == ""


def _synthetic_ranking(seed: int, n_queries: int = 200, n_docs: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Queries whose gold document is the best on a hidden mix of the first two features, plus noise."""
    rng = np.random.default_rng(seed)
    stack = rng.random((n_queries, n_docs, len(FEATURES))).astype(np.float32)
    hidden = 3.0 * stack[:, :, 0] + 1.0 * stack[:, :, 1] + rng.normal(0, 0.3, (n_queries, n_docs))
    gold = np.zeros((n_queries, n_docs), dtype=bool)
    gold[np.arange(n_queries), hidden.argmax(axis=1)] = True
    return stack, gold


def test_the_smooth_fit_learns_the_informative_features_and_ranks_better_than_the_defaults() -> None:
    stack, gold = _synthetic_ranking(0)
    weights = fit_weights(stack, gold, regularisation=1e-4)
    assert weights[0] > weights[1] > 0
    assert np.abs(weights[2:]).max() < weights[1]
    uniform = np.ones(len(FEATURES), dtype=np.float32)
    assert ranking_quality(stack, gold, weights) > ranking_quality(stack, gold, uniform) + 0.2


def test_the_smooth_fit_moves_little_when_the_features_move_little() -> None:
    stack, gold = _synthetic_ranking(1)
    jitter = np.random.default_rng(2).normal(0, 1e-4, stack.shape).astype(np.float32)
    a = fit_weights(stack, gold, regularisation=1e-4)
    b = fit_weights(stack + jitter, gold, regularisation=1e-4)
    assert np.abs(a - b).max() < 0.01 * np.abs(a).max()


def test_ranking_quality_counts_ties_against_the_gold() -> None:
    stack = np.zeros((1, 3, len(FEATURES)), dtype=np.float32)
    gold = np.asarray([[True, False, False]])
    quality = ranking_quality(stack, gold, np.ones(len(FEATURES), dtype=np.float32))
    assert quality == pytest.approx(0 + 1 / 3)  # all tied: the gold ranks third, so no hit and MRR 1/3


def test_changing_a_name_is_an_amendment_not_an_exchange() -> None:
    assert asked_variant_operations(prepare_query("muốn đổi tên cho con thì làm sao").folded_own) == {"amend"}
    assert asked_variant_operations(prepare_query("đổi thẻ căn cước ở đâu").folded_own) == {"exchange"}
