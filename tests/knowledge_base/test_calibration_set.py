"""Validate the hand-written calibration question set (knowledge_base/data/calibration/questions.jsonl).

The set tunes retrieval and calibrates the out-of-scope threshold, so its labels must be checkable:
every line has exactly the agreed keys, every gold code is a real procedure code of the crawl, and the
variant labels match the text (no tone marks in ``no_diacritics``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = REPO / "knowledge_base" / "data" / "calibration" / "questions.jsonl"
CATALOGUE = REPO / "knowledge_base" / "data" / "catalogue.jsonl"
KEYS = {"id", "question", "codes", "aspect", "variant", "oos"}
ASPECTS = {"documents", "fee", "time", "steps", "where", "result", "eligibility", "general"}
VARIANTS = {"diacritics", "no_diacritics", "teencode_typo", "english"}
CODE_RE = re.compile(r"^\d\.\d{6}$")


@cache
def _rows() -> tuple[dict, ...]:
    rows = []
    for number, line in enumerate(QUESTIONS.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"line {number} is blank"
        rows.append(json.loads(line))
    return tuple(rows)


def _raw_dirs() -> list[Path]:
    for shared in (REPO.parent / "shared", Path("/work/shared")):
        raw = shared / "data" / "raw"
        if raw.is_dir():
            return [
                raw / "chatbot-tthc__chatbot_tthc" / "raw",
                raw / "nhdandz__ThuTucHanhChinh" / "extracted_fixed",
            ]
    return []


@cache
def _known_codes() -> frozenset[str]:
    """Procedure codes of the crawl (file names are the codes); else of the committed catalogue."""
    codes = {p.stem for d in _raw_dirs() if d.is_dir() for p in d.rglob("*.json")}
    if not codes and CATALOGUE.is_file():
        for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                codes.add(json.loads(line)["code"])
    return frozenset(codes)


def _has_vietnamese_marks(text: str) -> bool:
    decomposed = unicodedata.normalize("NFD", text)
    return "đ" in text.lower() or any(unicodedata.combining(ch) for ch in decomposed)


def test_every_line_has_exactly_the_keys_and_valid_values() -> None:
    for row in _rows():
        assert set(row) == KEYS, row
        assert isinstance(row["question"], str) and row["question"].strip(), row
        assert row["question"] == unicodedata.normalize("NFC", row["question"]), row["id"]
        assert isinstance(row["codes"], list) and all(isinstance(c, str) for c in row["codes"]), row
        assert row["aspect"] in ASPECTS, row
        assert row["variant"] in VARIANTS, row
        assert isinstance(row["oos"], bool), row
        assert re.fullmatch(r"c\d{4}", row["id"]), row


def test_ids_and_questions_are_unique() -> None:
    ids = Counter(r["id"] for r in _rows())
    assert [i for i, n in ids.items() if n > 1] == []
    texts = Counter(r["question"].strip().lower() for r in _rows())
    assert [q for q, n in texts.items() if n > 1] == []


def test_in_scope_has_codes_and_oos_has_none() -> None:
    for row in _rows():
        if row["oos"]:
            assert row["codes"] == [], row
        else:
            assert len(row["codes"]) >= 1, row
            assert len(set(row["codes"])) == len(row["codes"]), row
            assert all(CODE_RE.match(c) for c in row["codes"]), row


def test_every_code_exists_in_the_crawl() -> None:
    known = _known_codes()
    if not known:
        pytest.skip("neither the crawl (../shared/data/raw) nor the catalogue is available")
    missing = sorted({c for r in _rows() for c in r["codes"] if c not in known})
    assert missing == []


def test_no_diacritics_questions_have_no_tone_marks() -> None:
    offenders = [r["id"] for r in _rows() if r["variant"] == "no_diacritics" and _has_vietnamese_marks(r["question"])]
    assert offenders == []


def test_english_questions_have_no_vietnamese_marks() -> None:
    offenders = [r["id"] for r in _rows() if r["variant"] == "english" and _has_vietnamese_marks(r["question"])]
    assert offenders == []


def test_size_and_spread_meet_the_brief() -> None:
    rows = _rows()
    in_scope = [r for r in rows if not r["oos"]]
    assert len(rows) >= 400
    assert len(in_scope) >= 330
    assert len(rows) - len(in_scope) >= 70
    assert len({c for r in in_scope for c in r["codes"]}) >= 150
    variants = Counter(r["variant"] for r in rows)
    assert set(variants) == VARIANTS
    # Rough mix from the brief: ~55 % / 25 % / 10 % / 10 %.
    assert 0.45 <= variants["diacritics"] / len(rows) <= 0.65
    assert 0.18 <= variants["no_diacritics"] / len(rows) <= 0.32
    assert variants["teencode_typo"] / len(rows) >= 0.07
    assert variants["english"] / len(rows) >= 0.07
    oos_variants = {r["variant"] for r in rows if r["oos"]}
    assert oos_variants == VARIANTS
