"""Tone restoration learned from the catalogue crawl."""

import time
from pathlib import Path

import pytest

from knowledge_base.text import ToneRestorer, evaluate_tone_restorer, fold
from knowledge_base.text.corpus import crawl_texts, everyday_texts, training_texts

RAW = Path(__file__).resolve().parents[3] / "shared/data/raw/chatbot-tthc__chatbot_tthc/raw"
STEP = 8  # every 8th procedure file: ~300 files, a few seconds of training

pytestmark = pytest.mark.skipif(not RAW.is_dir(), reason="the portal crawl is not available")


@pytest.fixture(scope="session")
def sample_texts():
    return list(crawl_texts(RAW, step=STEP))


@pytest.fixture(scope="session")
def restorer(sample_texts):
    return ToneRestorer.train(training_texts(sample_texts))


def test_everyday_phrases_are_committed_and_diacritized():
    lines = everyday_texts()
    assert len(lines) >= 250
    assert sum(1 for line in lines if fold(line) != line) / len(lines) > 0.95


def test_heldout_accuracy_on_a_sample(sample_texts):
    report = evaluate_tone_restorer(sample_texts, holdout_fraction=0.1, seed=0)
    assert report["heldout_syllables"] > 2_000
    assert report["syllable_accuracy"] >= 0.85, report


@pytest.mark.parametrize(
    "sentence",
    [
        "làm lại căn cước ở đâu",
        "đăng ký kết hôn cần những giấy tờ gì",
        "thủ tục đăng ký khai sinh cho con",
        "cấp lại giấy phép lái xe bị mất",
        "hết bao nhiêu tiền",
    ],
)
def test_restores_citizen_questions(restorer, sentence):
    assert restorer.restore(fold(sentence)) == sentence


def test_only_unmarked_syllables_change(restorer):
    out = restorer.restore("Lam lại Căn Cuoc, mã 1.001193 xyzq!")
    assert out.startswith("Làm lại Căn Cước, mã 1.001193 xyzq!")  # case, punctuation, code, unknown word kept
    assert restorer.restore("cấp đổi") == "cấp đổi"
    assert restorer.restore("") == ""


def test_fixed_tokens_are_kept(restorer):
    assert restorer.restore_tokens(["anh", "oi"], [True, False])[0] == "anh"


def test_save_load_round_trip(restorer, tmp_path):
    path = tmp_path / "tones.json.gz"
    restorer.save(path)
    start = time.perf_counter()
    loaded = ToneRestorer.load(path)
    assert time.perf_counter() - start < 1.0
    assert loaded.vocab == restorer.vocab and loaded.bigram == restorer.bigram
    query = "thu tuc xac nhan tinh trang hon nhan o dau"
    assert loaded.restore(query) == restorer.restore(query)


def test_load_rejects_other_files(tmp_path):
    import gzip
    import json

    path = tmp_path / "x.json.gz"
    with gzip.open(path, "wt") as fh:
        json.dump({"format": "other"}, fh)
    with pytest.raises(ValueError):
        ToneRestorer.load(path)


def test_training_segments_match_the_restoring_segments() -> None:
    from knowledge_base.text.tones import _segment_tokens, _segments

    samples = [
        "Đăng ký khai sinh. Nộp 1.000 đồng, 2,5 ngày; xong",
        "a1b 2.c d_e (f) “g” h…i",
        "1..5 3. .7 x,y 8,9,10",
        "",
        "   ",
    ]
    for text in samples:
        assert list(_segment_tokens(text)) == [[t for _, _, t in s] for s in _segments(text)], text
