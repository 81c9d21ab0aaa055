"""Validation of the narrative calibration question set (knowledge_base/data/calibration/questions_narrative.jsonl)."""

from __future__ import annotations

import glob
import json
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SET_PATH = ROOT / "knowledge_base" / "data" / "calibration" / "questions_narrative.jsonl"
CATALOGUE = ROOT / "knowledge_base" / "data" / "catalogue.jsonl"
RAW = ROOT.parent / "shared" / "data" / "raw"
KEYS = {"id", "question", "codes", "aspect", "variant", "oos"}
ASPECTS = {"documents", "fee", "time", "steps", "where", "result", "eligibility", "general"}
VARIANTS = {"diacritics", "no_diacritics", "teencode_typo", "english"}


@lru_cache(maxsize=1)
def _rows() -> list[dict]:
    lines = SET_PATH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    """Codes from the raw crawl (portal + Defence); falls back to the committed catalogue."""
    codes: set[str] = set()
    for path in glob.glob(str(RAW / "chatbot-tthc__chatbot_tthc" / "raw" / "*" / "*.json")):
        codes.add(Path(path).stem)
    for path in glob.glob(str(RAW / "nhdandz__ThuTucHanhChinh" / "extracted_fixed" / "*.json")):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        codes.add(data.get("metadata", {}).get("mã_thủ_tục") or data.get("thu_tuc_id") or Path(path).stem)
    if not codes and CATALOGUE.exists():
        for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
            if line.strip():
                codes.add(json.loads(line)["code"])
    return frozenset(codes)


def _has_vietnamese_marks(text: str) -> bool:
    if "đ" in text.lower():
        return True
    decomposed = unicodedata.normalize("NFD", text)
    return any(unicodedata.category(ch) == "Mn" for ch in decomposed)


def test_every_line_parses_with_exact_keys() -> None:
    for raw in SET_PATH.read_text(encoding="utf-8").splitlines():
        row = json.loads(raw)
        assert set(row) == KEYS, row
        assert isinstance(row["question"], str) and row["question"].strip()
        assert isinstance(row["codes"], list) and all(isinstance(c, str) for c in row["codes"])
        assert isinstance(row["oos"], bool)


def test_ids_unique() -> None:
    ids = [r["id"] for r in _rows()]
    assert len(ids) == len(set(ids))


def test_valid_aspect_and_variant() -> None:
    for r in _rows():
        assert r["aspect"] in ASPECTS, r["id"]
        assert r["variant"] in VARIANTS, r["id"]


def test_codes_consistent_with_oos_flag() -> None:
    for r in _rows():
        if r["oos"]:
            assert r["codes"] == [], r["id"]
        else:
            assert len(r["codes"]) >= 1, r["id"]
            assert len(set(r["codes"])) == len(r["codes"]), r["id"]


def test_codes_exist_in_crawl() -> None:
    known = _known_codes()
    if not known:
        pytest.skip("neither the raw crawl nor the catalogue is available")
    missing = {c for r in _rows() for c in r["codes"] if c not in known}
    assert not missing, sorted(missing)


def test_no_tone_marks_in_folded_variants() -> None:
    bad = [
        r["id"]
        for r in _rows()
        if r["variant"] in {"no_diacritics", "english"} and _has_vietnamese_marks(r["question"])
    ]
    assert not bad, bad


def test_diacritics_variant_has_tone_marks() -> None:
    bad = [r["id"] for r in _rows() if r["variant"] == "diacritics" and not _has_vietnamese_marks(r["question"])]
    assert not bad, bad


def test_counts() -> None:
    rows = _rows()
    in_scope = [r for r in rows if not r["oos"]]
    assert len(rows) >= 320
    assert len(in_scope) >= 270
    assert len([r for r in rows if r["oos"]]) >= 50
    assert len({c for r in in_scope for c in r["codes"]}) >= 150
    oos_variants = {r["variant"] for r in rows if r["oos"]}
    assert oos_variants == VARIANTS
    share = Counter(r["variant"] for r in rows)
    assert share["diacritics"] / len(rows) >= 0.45
    assert share["no_diacritics"] / len(rows) >= 0.18
    assert share["teencode_typo"] / len(rows) >= 0.07
    assert share["english"] / len(rows) >= 0.07


def test_questions_are_narrative_length() -> None:
    for r in _rows():
        words = len(r["question"].split())
        limit_low = 10 if r["variant"] == "teencode_typo" else 15
        assert limit_low <= words <= 48, (r["id"], words)
