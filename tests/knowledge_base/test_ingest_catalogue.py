"""The committed catalogue and the ingest entry point."""

import json
import unicodedata
from pathlib import Path

import pytest

from knowledge_base.catalogue import DEFAULT_PATH, load_catalogue
from knowledge_base.ingest import run_ingest
from knowledge_base.ingest.pipeline import merge
from knowledge_base.schema import Procedure

RAW = Path(__file__).parents[2].parent / "shared" / "data" / "raw"


def test_committed_catalogue_loads():
    catalogue = load_catalogue()
    codes = [p.code for p in catalogue.procedures]
    assert len(codes) >= 2500
    assert len(set(codes)) == len(codes) and codes == sorted(codes)
    assert load_catalogue() is catalogue  # cached
    by_code = catalogue.by_code()
    assert by_code["1.001193"].name == "Thủ tục đăng ký khai sinh"
    assert {p.source for p in catalogue.procedures} == {"chatbot-tthc", "nhdandz"}


def test_committed_catalogue_is_nfc_jsonl():
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    first = json.loads(text.splitlines()[0])
    assert "raw_text" not in first and set(first) == set(Procedure.model_fields)


def test_merge_fills_only_empty_fields():
    primary = Procedure(code="1.000001", name="A", source="chatbot-tthc", conditions="")
    secondary = Procedure(code="1.000001", name="B", source="nhdandz", conditions="Đ.kiện", result="K.quả")
    merged = merge(primary, secondary)
    assert (merged.name, merged.source) == ("A", "chatbot-tthc")
    assert (merged.conditions, merged.result) == ("Đ.kiện", "K.quả")


@pytest.mark.skipif(not RAW.is_dir(), reason="shared raw crawl not available")
def test_run_ingest_whole_crawl(tmp_path):
    out = tmp_path / "catalogue.jsonl"
    report = run_ingest(RAW, out)
    catalogue = load_catalogue(out)
    assert report.written == len(catalogue.procedures) >= 2500
    assert report.per_source["chatbot-tthc"] == 2381 and report.per_source["nhdandz"] == 207
    text = report.render()
    assert "processing time without unit" in text and "legal basis missing" in text
    assert out.read_bytes() == DEFAULT_PATH.read_bytes()  # the committed file is up to date
