"""Measure the embedding model: ``python -m knowledge_base.embedding.bench [--fresh]``.

Reports conversion time (with ``--fresh``: into a temporary cache), per-query latency (median of 50),
passage throughput for ~40-token passages, and the converted folder's size. One torch thread by default.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from .encoder import Encoder
from .models import DEFAULT_MODEL_ID, default_cache_dir, resolve_model

_QUERIES = [
    "làm giấy khai sinh cho con ở đâu",
    "thu tuc cap ho chieu pho thong",
    "đăng ký thường trú cần giấy tờ gì",
    "how to renew a driving licence",
    "lệ phí cấp lại căn cước công dân",
]
_PASSAGE = (
    "Hồ sơ gồm tờ khai đăng ký khai sinh theo mẫu, bản chính giấy chứng sinh, giấy tờ tùy thân "
    "của người đi đăng ký; nộp tại Ủy ban nhân dân cấp xã ({i})."
)


def _folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def run(model_id: str, cache_dir: Path, threads: int, n_passages: int) -> dict:
    started = time.perf_counter()
    folder = Path(resolve_model(model_id, cache_dir))
    resolve_seconds = time.perf_counter() - started
    enc = Encoder(model_id, cache_dir=cache_dir, threads=threads)
    started = time.perf_counter()
    enc.warm_up()
    load_seconds = time.perf_counter() - started
    enc.encode_queries(_QUERIES[:1])
    latencies = []
    for i in range(50):
        t = time.perf_counter()
        enc.encode_queries([_QUERIES[i % len(_QUERIES)]])
        latencies.append(time.perf_counter() - t)
    passages = [_PASSAGE.format(i=i) for i in range(n_passages)]
    tokens = len(enc._loaded().tokenizer("passage: " + passages[0])["input_ids"])
    t = time.perf_counter()
    enc.encode_passages(passages)
    passage_seconds = time.perf_counter() - t
    return {
        "model": model_id,
        "folder": str(folder),
        "resolve_or_convert_s": round(resolve_seconds, 2),
        "load_s": round(load_seconds, 2),
        "query_latency_median_ms": round(statistics.median(latencies) * 1000, 1),
        "passage_tokens": tokens,
        "passages_per_s": round(n_passages / passage_seconds, 1),
        "folder_mb": round(_folder_mb(folder), 1) if folder.is_dir() else None,
        "threads": threads,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default=DEFAULT_MODEL_ID)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--passages", type=int, default=128)
    ap.add_argument("--fresh", action="store_true", help="convert into a temporary cache to time conversion")
    args = ap.parse_args()
    if args.fresh:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run(args.model, Path(tmp), args.threads, args.passages), indent=2))
    else:
        print(json.dumps(run(args.model, default_cache_dir(), args.threads, args.passages), indent=2))


if __name__ == "__main__":
    main()
