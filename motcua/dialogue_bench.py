"""Benchmark of dialogue turns through the real stack (Rasa REST channel → Rasa → action server → retrieval).

Prints per-kind latency (p50 / p95 over all runs): turns answered by a response alone (greeting, thanks), turns
that run a retrieval action (a new question), follow-ups (the procedure in a slot, no new search), and a dossier
lookup on the embedded demo backend (the code, then the verification turn that looks the dossier up).
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections import defaultdict

from connectors.shell import RasaChat

SCRIPT: tuple[tuple[str, str], ...] = (
    ("response", "xin chào"),
    ("question", "vợ em mới sinh, làm giấy khai sinh cần gì ạ"),
    ("follow-up", "còn lệ phí thì sao?"),
    ("follow-up", "nộp ở đâu"),
    ("question", "lam lai can cuoc bi mat o dau"),
    ("button", '/ask_aspect{"aspect":"time","code":"1.014064"}'),
    ("question", "e muốn đk kết hôn cần j ạ"),
    ("response", "cảm ơn nhé"),
    ("question", "how do I register a marriage"),
    ("response", "bạn là người hay máy"),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def dossier_script() -> tuple[tuple[str, str], ...]:
    """A dossier lookup on the embedded demo: the code in the question, then the verification (the lookup turn)."""
    from backends.dossiers.seed import ensure_demo_backend, seed_demo

    demos = seed_demo(ensure_demo_backend())
    turns: list[tuple[str, str]] = []
    for demo in demos[:3]:
        turns += [("dossier code", f"hồ sơ {demo.code} đến đâu rồi"), ("dossier lookup", demo.verification)]
    return tuple(turns)


def run_dialogue_benchmark(rasa_url: str, runs: int = 5) -> dict[str, dict[str, float]]:
    """Play :data:`SCRIPT` and a dossier lookup ``runs`` times as new conversations (plus one warm-up run)."""
    timings: dict[str, list[float]] = defaultdict(list)
    script = SCRIPT + dossier_script()
    for run in range(runs + 1):
        chat = RasaChat(rasa_url, sender=f"bench:{uuid.uuid4().hex[:8]}")
        for kind, text in script:
            start = time.perf_counter()
            replies = chat.send(text)
            elapsed = (time.perf_counter() - start) * 1000
            if not replies:
                raise RuntimeError(f"no reply to a {kind} turn")
            if run > 0:
                timings[kind].append(elapsed)
                timings["all"].append(elapsed)
    return {
        kind: {
            "n": len(values),
            "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(percentile(values, 0.95), 1),
        }
        for kind, values in timings.items()
    }
