"""Checks of the hand-written alias tables for Tài chính, Nông nghiệp & Môi trường, Xây dựng and Tòa án.

The tables live in `knowledge_base/data/procedure_aliases/`. Codes and names are checked against the
portal crawl when it is present (`../shared/data/raw/chatbot-tthc__chatbot_tthc/raw/`), otherwise against the
committed catalogue; with neither, those checks are skipped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ALIAS_DIR = REPO / "knowledge_base" / "data" / "procedure_aliases"
CRAWL_DIR = REPO.parent / "shared" / "data" / "raw" / "chatbot-tthc__chatbot_tthc" / "raw"
CATALOGUE = REPO / "knowledge_base" / "data" / "catalogue.jsonl"

# alias file -> crawl folder it covers
FILES = {
    "tai_chinh.yaml": "bo-tai-chinh",
    "nong_nghiep_mt.yaml": "bo-nong-nghiep-mt",
    "xay_dung.yaml": "bo-xay-dung",
    "toa_an.yaml": "toa-an-nhan-dan",
}
REQUIRED = {"code", "name", "level", "everyday", "english"}
ALLOWED = REQUIRED | {"situations", "not"}
LEVEL_LABELS = {
    "Cấp xã": "xa",
    "Cấp huyện": "huyen",
    "Cấp tỉnh": "tinh",
    "Cấp bộ": "bo",
    "Cơ quan khác": "khac",
}
LIMITS = {"everyday": (3, 12), "english": (2, 6), "situations": (0, 5)}
MIN_TOTAL = 300


def nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Case-, tone- and spacing-insensitive key: 'Sang tên Sổ Đỏ ' == 'sang ten so do'."""
    decomposed = unicodedata.normalize("NFD", text.casefold()).replace("đ", "d")
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^\w\s]", " ", bare).split())


@cache
def load(file_name: str) -> list[dict]:
    data = yaml.safe_load((ALIAS_DIR / file_name).read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{file_name}: top level must be a list of entries"
    return data


def all_entries() -> list[tuple[str, dict]]:
    return [(name, entry) for name in FILES for entry in load(name)]


@cache
def crawl_index() -> dict[str, tuple[str, str, str]]:
    """code -> (crawl folder, NFC name, cap_thuc_hien) for the folders in scope."""
    index: dict[str, tuple[str, str, str]] = {}
    for folder in FILES.values():
        for path in (CRAWL_DIR / folder).glob("*.json"):
            raw = json.loads(path.read_text(encoding="utf-8"))
            index[raw["ma_thu_tuc"]] = (folder, nfc(raw["ten_thu_tuc"]), nfc(raw["cap_thuc_hien"]))
    return index


@cache
def catalogue_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            names[row["code"]] = nfc(row["name"])
    return names


@pytest.mark.parametrize("file_name", list(FILES))
def test_file_loads_with_expected_fields(file_name: str) -> None:
    entries = load(file_name)
    assert entries, f"{file_name} is empty"
    for entry in entries:
        assert isinstance(entry, dict), f"{file_name}: entry is not a mapping: {entry!r}"
        code = entry.get("code")
        assert entry.keys() >= REQUIRED, f"{file_name} {code}: missing {REQUIRED - entry.keys()}"
        assert entry.keys() <= ALLOWED, f"{file_name} {code}: unknown keys {entry.keys() - ALLOWED}"
        assert isinstance(code, str) and re.fullmatch(r"\d\.\d{6}", code), f"bad code {code!r}"


def test_phrases_are_non_empty_strings_within_limits() -> None:
    for file_name, entry in all_entries():
        where = f"{file_name} {entry['code']}"
        for key in ("everyday", "english", "situations", "not"):
            phrases = entry.get(key, [])
            assert isinstance(phrases, list), f"{where}: {key} must be a list"
            for phrase in phrases:
                assert isinstance(phrase, str) and phrase.strip(), f"{where}: empty phrase in {key}"
                assert phrase == nfc(phrase), f"{where}: {phrase!r} is not NFC / has stray spaces"
        for key, (low, high) in LIMITS.items():
            count = len(entry.get(key, []))
            assert low <= count <= high, f"{where}: {count} {key} phrases, expected {low}-{high}"


def test_vietnamese_phrases_have_tone_marks_and_english_has_none() -> None:
    for file_name, entry in all_entries():
        where = f"{file_name} {entry['code']}"
        for phrase in entry["everyday"]:
            assert not phrase.isascii(), f"{where}: everyday phrase without diacritics: {phrase!r}"
        for phrase in entry["english"]:
            assert fold(phrase) == fold(phrase.encode("ascii", "ignore").decode()), (
                f"{where}: English phrase contains Vietnamese letters: {phrase!r}"
            )


def test_no_everyday_phrase_leads_to_two_procedures() -> None:
    owner: dict[str, str] = {}
    clashes = []
    for file_name, entry in all_entries():
        for phrase in entry["everyday"]:
            key = fold(phrase)
            if key in owner and owner[key] != entry["code"]:
                clashes.append(f"{phrase!r}: {owner[key]} and {entry['code']} ({file_name})")
            owner.setdefault(key, entry["code"])
    assert not clashes, "shared everyday phrases:\n" + "\n".join(clashes)


def test_no_clash_with_the_other_ministries_alias_files() -> None:
    ours = {fold(p): e["code"] for _, e in all_entries() for p in e["everyday"]}
    clashes = []
    for path in sorted(ALIAS_DIR.glob("*.yaml")):
        if path.name in FILES:
            continue
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for phrase in entry.get("everyday", []):
                code = ours.get(fold(phrase))
                if code and code != entry.get("code"):
                    clashes.append(f"{phrase!r}: {code} here, {entry.get('code')} in {path.name}")
    assert not clashes, "phrases shared with other alias files:\n" + "\n".join(clashes)


def test_not_phrases_do_not_point_back_to_the_same_entry() -> None:
    for file_name, entry in all_entries():
        own = {fold(p) for p in entry["everyday"]}
        for phrase in entry.get("not", []):
            where = f"{file_name} {entry['code']}"
            assert fold(phrase) not in own, f"{where}: {phrase!r} is both everyday and not"


def test_each_code_appears_once() -> None:
    codes = [entry["code"] for _, entry in all_entries()]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    assert not repeated, f"codes listed more than once: {repeated}"


def test_coverage_is_broad() -> None:
    assert len(all_entries()) >= MIN_TOTAL


def test_codes_names_and_levels_match_the_crawl() -> None:
    if not CRAWL_DIR.is_dir():
        pytest.skip("portal crawl not available")
    index = crawl_index()
    for file_name, entry in all_entries():
        code = entry["code"]
        assert code in index, f"{file_name}: {code} is not in the crawl"
        folder, name, levels_text = index[code]
        assert folder == FILES[file_name], f"{code} belongs to {folder}, listed in {file_name}"
        assert nfc(entry["name"]) == name, f"{code}: name {entry['name']!r} != crawl {name!r}"
        expected = {short for label, short in LEVEL_LABELS.items() if label in levels_text} or {"khac"}
        listed = {part.strip() for part in entry["level"].split(",")}
        assert listed == expected, f"{code}: level {entry['level']!r}, crawl says {levels_text!r}"


def test_codes_and_names_match_the_catalogue() -> None:
    if not CATALOGUE.is_file():
        pytest.skip("normalized catalogue not built yet")
    names = catalogue_names()
    for file_name, entry in all_entries():
        code = entry["code"]
        assert code in names, f"{file_name}: {code} is not in the catalogue"
        assert fold(entry["name"]) == fold(names[code]), f"{code}: name differs from the catalogue"
