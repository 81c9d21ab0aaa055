"""Checks every calibration question set shares (``knowledge_base/data/calibration/questions*.jsonl``), including
the out-of-scope set ``questions_oos_near.jsonl``, which has no checks of its own."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.retrieval.calibration import _threshold, calibration_files

KEYS = ["id", "question", "codes", "aspect", "variant", "oos"]
VARIANTS = {"diacritics", "no_diacritics", "teencode_typo", "english"}
CATALOGUE = Path(__file__).resolve().parents[2] / "knowledge_base" / "data" / "catalogue.jsonl"


@cache
def _rows(path: Path) -> tuple[dict, ...]:
    return tuple(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def _marked(text: str) -> bool:
    return "đ" in text.lower() or any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", text))


def test_the_out_of_scope_set_is_among_the_calibration_files() -> None:
    assert "questions_oos_near.jsonl" in {p.name for p in calibration_files()}


@pytest.mark.parametrize("path", calibration_files(), ids=lambda p: p.name)
def test_lines_have_the_keys_and_no_diacritics_lines_have_no_marks(path: Path) -> None:
    codes = {json.loads(line)["code"] for line in CATALOGUE.read_text(encoding="utf-8").splitlines() if line.strip()}
    for row in _rows(path):
        assert list(row) == KEYS, row
        assert row["variant"] in VARIANTS, row
        assert bool(row["codes"]) is not row["oos"], row
        assert set(row["codes"]) <= codes, row
        if row["variant"] == "no_diacritics":
            assert not _marked(row["question"]), row


def test_ids_and_questions_are_unique_across_the_files() -> None:
    rows = [row for path in calibration_files() for row in _rows(path)]
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["question"].strip().lower() for r in rows}) == len(rows)


def test_out_of_scope_precision_is_computed_for_the_expected_share() -> None:
    # 10 out-of-scope questions (8 score 0.1, 2 score 0.5) and 10 in scope (1 scores 0.2, 9 score 0.9).
    probabilities = np.asarray([0.1] * 8 + [0.5] * 2 + [0.2] + [0.9] * 9)
    is_oos = np.asarray([True] * 10 + [False] * 10)
    # Half out of scope, as in these examples: refusing below 0.9 catches all 10 for 1 wrong refusal (P 10/11).
    threshold, _, recall = _threshold(probabilities, is_oos)
    assert threshold == pytest.approx(0.9) and recall == pytest.approx(1.0)
    # If only one question in ten is out of scope, that one wrong refusal costs too much: refuse below 0.2 only.
    threshold, precision, recall = _threshold(probabilities, is_oos, oos_share=0.1)
    assert threshold == pytest.approx(0.2) and recall == pytest.approx(0.8) and precision == pytest.approx(1.0)
