"""Checks for the curated everyday-words tables of Bộ Tư pháp, Bộ Công an and Bộ Quốc phòng.

The tables live in knowledge_base/data/procedure_aliases/{tu_phap,cong_an,quoc_phong}.yaml. The crawl they
were written against is ../shared/data/raw (override with MOTCUA_RAW_DIR); crawl-dependent checks skip
without it.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ALIAS_DIR = REPO / "knowledge_base" / "data" / "procedure_aliases"
FILES = ("tu_phap", "cong_an", "quoc_phong")
RAW = Path(os.environ.get("MOTCUA_RAW_DIR", REPO.parent / "shared" / "data" / "raw"))
LEVELS = {"cấp xã": "xa", "cấp tỉnh": "tinh", "cấp bộ": "bo", "cấp huyện": "huyen", "cơ quan khác": "khac"}
# Ministry folder of the chatbot-tthc crawl, or the nhdandz extract, that each table covers.
SOURCES = {"tu_phap": "bo-tu-phap", "cong_an": "bo-cong-an", "quoc_phong": "nhdandz"}
MIN_EVERYDAY, MAX_EVERYDAY, MIN_ENGLISH, MAX_SITUATIONS = 3, 12, 2, 5
FOREIGN_MARKERS = (
    "nước ngoài|người nước|việt kiều|con lai|tây|lào|trung quốc|campuchia|hàn|nhật|đài loan|mỹ|láng giềng"
    "|biên giới|đại sứ quán|lãnh sự"
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def fold(text: str) -> str:
    """Case- and tone-insensitive key: lower case, no diacritics, đ -> d, single spaces."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare).strip()


@cache
def load(stem: str) -> list[dict]:
    with open(ALIAS_DIR / f"{stem}.yaml", encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, list), f"{stem}.yaml must be a list of entries"
    return data


def all_entries() -> list[tuple[str, dict]]:
    return [(stem, entry) for stem in FILES for entry in load(stem)]


def _levels(text: str) -> str:
    parts = [LEVELS.get(p.strip().lower(), p.strip().lower()) for p in text.split(",") if p.strip()]
    return ", ".join(dict.fromkeys(parts))


@cache
def crawl() -> dict[str, tuple[str, str, str]]:
    """code -> (name, level, source) from the raw crawl (NFC)."""
    out: dict[str, tuple[str, str, str]] = {}
    tthc = RAW / "chatbot-tthc__chatbot_tthc" / "raw"
    for folder in ("bo-tu-phap", "bo-cong-an"):
        for path in sorted((tthc / folder).glob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            level = _levels(nfc(doc["cap_thuc_hien"]))
            out[nfc(doc["ma_thu_tuc"])] = (nfc(doc["ten_thu_tuc"]), level, folder)
    for path in sorted((RAW / "nhdandz__ThuTucHanhChinh" / "extracted_fixed").glob("*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))["metadata"]
        level = _levels(nfc(meta["cấp_thực_hiện"]))
        out[nfc(meta["mã_thủ_tục"])] = (nfc(meta["tên_thủ_tục"]), level, "nhdandz")
    return out


needs_crawl = pytest.mark.skipif(
    not (RAW / "chatbot-tthc__chatbot_tthc").is_dir(), reason=f"raw crawl not found at {RAW}"
)


@pytest.mark.parametrize("stem", FILES)
def test_file_loads_with_expected_keys(stem: str) -> None:
    entries = load(stem)
    assert entries, f"{stem}.yaml is empty"
    allowed = {"code", "name", "level", "everyday", "situations", "english", "not"}
    for entry in entries:
        assert set(entry) <= allowed, f"{entry.get('code')}: unknown keys {set(entry) - allowed}"
        assert re.fullmatch(r"\d\.\d{6}", str(entry["code"])), entry["code"]
        for key in ("everyday", "situations", "english", "not"):
            assert isinstance(entry.get(key, []), list), f"{entry['code']}: {key} must be a list"


def test_codes_are_unique_across_files() -> None:
    seen: dict[str, str] = {}
    for stem, entry in all_entries():
        code = entry["code"]
        assert code not in seen, f"{code} appears in {seen[code]} and {stem}"
        seen[code] = stem


@pytest.mark.parametrize("stem", FILES)
def test_phrase_counts_and_no_empty_phrase(stem: str) -> None:
    for entry in load(stem):
        code = entry["code"]
        everyday, english = entry.get("everyday", []), entry.get("english", [])
        assert MIN_EVERYDAY <= len(everyday) <= MAX_EVERYDAY, f"{code}: {len(everyday)} everyday phrases"
        assert len(english) >= MIN_ENGLISH, f"{code}: {len(english)} English phrases"
        assert len(entry.get("situations", [])) <= MAX_SITUATIONS, f"{code}: too many situations"
        for key in ("everyday", "situations", "english", "not"):
            for phrase in entry.get(key, []):
                assert isinstance(phrase, str) and phrase.strip(), f"{code}: empty {key} phrase"
                assert phrase == nfc(phrase), f"{code}: {key} phrase not NFC / has outer spaces: {phrase!r}"


@pytest.mark.parametrize("stem", FILES)
def test_everyday_phrases_carry_tone_marks(stem: str) -> None:
    """Phrases keep their tone marks (folding is the reader's job); guards against pasted folded text."""
    for entry in load(stem):
        marked = [p for p in entry["everyday"] if fold(p) != p.lower()]
        assert len(marked) * 2 >= len(entry["everyday"]), f"{entry['code']}: most phrases lack tone marks"


def test_no_everyday_phrase_shared_between_entries() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for _, entry in all_entries():
        for phrase in entry["everyday"]:
            owners[fold(phrase)].add(entry["code"])
    shared = {phrase: sorted(codes) for phrase, codes in owners.items() if len(codes) > 1}
    assert not shared, f"phrases used by several procedures: {shared}"


def test_no_everyday_phrase_shared_with_other_ministries_tables() -> None:
    """The other ministries' tables in the same folder must not claim one of our phrases for another code."""
    ours = {fold(p): entry["code"] for _, entry in all_entries() for p in entry["everyday"]}
    clashes = []
    for path in sorted(ALIAS_DIR.glob("*.yaml")):
        if path.stem in FILES:
            continue
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for phrase in entry.get("everyday", []):
                code = ours.get(fold(phrase))
                if code and code != entry.get("code"):
                    clashes.append((phrase, code, path.name, entry.get("code")))
    assert not clashes, f"phrases claimed by two tables: {clashes}"


def test_no_duplicate_phrase_within_an_entry() -> None:
    for _, entry in all_entries():
        for key in ("everyday", "english"):
            folded = [fold(p) for p in entry.get(key, [])]
            assert len(folded) == len(set(folded)), f"{entry['code']}: duplicate {key} phrase"


def test_not_phrases_do_not_point_back_at_their_own_entry() -> None:
    """A 'not' phrase must not also be an everyday phrase of the same entry."""
    for _, entry in all_entries():
        mine = {fold(p) for p in entry["everyday"]}
        clash = [p for p in entry.get("not", []) if fold(p) in mine]
        assert not clash, f"{entry['code']}: {clash} are both everyday and not"


@needs_crawl
def test_codes_exist_and_names_match_the_crawl() -> None:
    catalogue = crawl()
    for stem, entry in all_entries():
        code = entry["code"]
        assert code in catalogue, f"{stem}: {code} is not in the crawl"
        name, level, source = catalogue[code]
        assert nfc(entry["name"]) == name, f"{code}: name {entry['name']!r} != crawl {name!r}"
        assert entry["level"] == level, f"{code}: level {entry['level']!r} != crawl {level!r}"
        assert source == SOURCES[stem], f"{code} belongs to {source}, not to {stem}.yaml"


@needs_crawl
def test_foreign_variants_mention_the_foreign_element() -> None:
    """Entries for 'có yếu tố nước ngoài' / foreigners' variants must say so in most everyday phrases."""
    markers = tuple(FOREIGN_MARKERS.split("|"))
    for _, entry in all_entries():
        name = crawl()[entry["code"]][0].lower()
        if "có yếu tố nước ngoài" not in name:
            continue
        hits = [p for p in entry["everyday"] if any(m in p.lower() for m in markers)]
        assert len(hits) * 2 > len(entry["everyday"]), f"{entry['code']}: foreign element missing in {entry}"


def test_coverage_per_file() -> None:
    counts = {stem: len(load(stem)) for stem in FILES}
    assert sum(counts.values()) >= 250, counts
