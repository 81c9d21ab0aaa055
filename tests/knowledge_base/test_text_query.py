"""prepare_query: the one entry point retrieval calls."""

from pathlib import Path

import pytest

from knowledge_base.text import PreparedQuery, ToneRestorer, prepare_query, set_tone_model_path
from knowledge_base.text.corpus import crawl_texts, training_texts

RAW = Path(__file__).resolve().parents[3] / "shared/data/raw/chatbot-tthc__chatbot_tthc/raw"


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    if not RAW.is_dir():
        pytest.skip("the portal crawl is not available")
    path = tmp_path_factory.mktemp("tones") / "tones.json.gz"
    ToneRestorer.train(training_texts(crawl_texts(RAW, step=8))).save(path)
    set_tone_model_path(path)
    yield path
    set_tone_model_path(None)


def test_query_with_diacritics_and_shorthand():
    q = prepare_query("E muốn đk kết hôn cần j ạ?")
    assert isinstance(q, PreparedQuery)
    assert q.cleaned == "e muốn đk kết hôn cần j ạ"
    assert q.expanded.startswith("em muốn đăng ký kết hôn cần gì ạ")
    assert q.restored == q.expanded  # had diacritics: nothing to restore
    assert q.folded.startswith("em muon dang ky ket hon can gi a")
    assert q.language == "vi" and q.had_diacritics


def test_query_without_diacritics_is_restored(model_path):
    q = prepare_query("lam lai can cuoc mat o dau")
    assert not q.had_diacritics
    assert q.restored.startswith("làm lại căn cước mất ở đâu")
    assert "cấp lại thẻ căn cước" in q.expanded


def test_alias_spelling_guides_restoration(model_path):
    q = prepare_query("sang ten so do cho con")
    assert q.restored.startswith("sang tên sổ đỏ cho con")
    assert "chuyển nhượng quyền sử dụng đất" in q.restored


def test_english_query_is_not_restored_or_shorthand_expanded(model_path):
    q = prepare_query("How do I get a birth certificate?")
    assert q.language == "en"
    assert q.restored == q.expanded
    assert "a birth certificate" in q.expanded  # "a" was not turned into "anh"
    assert "đăng ký khai sinh" in q.expanded


@pytest.mark.parametrize("text", ["", "   ", "😀", "<b></b>", "x" * 10_000, "1.001193"])
def test_odd_input(text):
    q = prepare_query(text)
    assert isinstance(q.folded, str)


def test_code_is_preserved():
    assert "1.001193" in prepare_query("thủ tục 1.001193").expanded
