"""``motcua bench retrieval``: quality, warm latency, index build time and peak memory, printed as numbers."""

from __future__ import annotations

import multiprocessing
import resource
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console

from knowledge_base.evaluation import load_questions, run_questions, summarize
from knowledge_base.reports import render_eval
from knowledge_base.settings import RetrievalSettings


def _build_child(settings: RetrievalSettings, directory: str, queue: multiprocessing.Queue) -> None:
    from dataclasses import replace

    from knowledge_base.retrieval.index import build_index

    # A fresh cache (no stored passage vectors) that shares the already converted model folder.
    fresh = Path(directory)
    (fresh / "models").symlink_to(settings.cache_dir / "models", target_is_directory=True)
    started = time.perf_counter()
    build_index(replace(settings, cache_dir=fresh), fresh / "index", show_progress=True)
    queue.put(time.perf_counter() - started)


def time_index_build(settings: RetrievalSettings) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of a full index build from no stored vectors, in a child process.

    The model conversion (first use only) is not part of it.
    """
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    with tempfile.TemporaryDirectory(dir=settings.cache_dir) as tmp:
        child = ctx.Process(target=_build_child, args=(settings, tmp, queue))
        child.start()
        seconds = queue.get()
        child.join()
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak_mib


def run_retrieval_benchmark(questions_path: Path, runs: int = 3, build: bool = True) -> None:
    from knowledge_base.assistant import Assistant

    console = Console()
    settings = RetrievalSettings.from_env()
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    assistant = Assistant.from_settings(settings)
    assistant.warm_up()
    console.print(f"load + warm-up: {time.perf_counter() - started:.1f} s")
    questions = load_questions(questions_path)

    def ask_one(text: str) -> tuple[list[str], bool, str]:
        r = assistant.ask(text, top_k=10)
        return ([c.code for c in r.search.candidates] if r.search else []), r.oos, str(r.aspect)

    p50s, p95s, summary = [], [], None
    for _ in range(runs):
        outcomes = run_questions(questions, ask_one)
        summary = summarize(outcomes)
        p50s.append(summary["latency_ms"]["p50"])
        p95s.append(summary["latency_ms"]["p95"])
    assert summary is not None
    render_eval(summary, console)
    console.print(
        f"warm query latency over {runs} runs of {len(questions)} questions, one thread: "
        f"p50 median {statistics.median(p50s):.1f} ms, p95 median {statistics.median(p95s):.1f} ms "
        f"(p95 per run: {', '.join(f'{v:.1f}' for v in p95s)})"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"peak RSS of the query process: {rss:.0f} MiB")
    if build:
        seconds, peak = time_index_build(settings)
        console.print(
            f"full index build: {seconds:.1f} s, peak RSS {peak:.0f} MiB "
            f"({assistant.retriever.index.dense.n_passages} passages, "
            f"{len(assistant.retriever.index.procedures)} procedures)"
        )
