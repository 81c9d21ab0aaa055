"""Gateway throughput and latency on loopback: the same load sent straight to Rasa and through the gateway.

The gateway's overhead is the difference between the two runs' latencies (p50 / p95), measured in one command so
that machine noise affects both. ``stub`` puts an instant fake Rasa behind the gateway (the gateway alone);
``real`` runs the whole stack (gateway → Rasa → action server → retrieval).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx

from motcua import stack

QUESTIONS = (
    "làm giấy khai sinh cần gì",
    "còn lệ phí thì sao?",
    "nộp ở đâu",
    "lam lai can cuoc o dau",
    "e muốn đk kết hôn cần j ạ",
    "cảm ơn nhé",
)


@dataclass
class LoadResult:
    label: str
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


async def _load(url: str, body_of, label: str, conversations: int, turns: int) -> LoadResult:
    latencies: list[float] = []
    errors = 0

    async def conversation(client: httpx.AsyncClient, number: int) -> None:
        nonlocal errors
        sender = f"bench{number}x{uuid.uuid4().hex[:6]}"
        for turn in range(turns):
            start = time.perf_counter()
            try:
                response = await client.post(url, json=body_of(sender, QUESTIONS[turn % len(QUESTIONS)]))
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - start) * 1000)
            errors += not ok

    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        begin = time.perf_counter()
        await asyncio.gather(*(conversation(client, n) for n in range(conversations)))
        elapsed = time.perf_counter() - begin
    return LoadResult(label, len(latencies), elapsed, latencies, errors)


def rasa_body(sender: str, text: str) -> dict:
    return {"sender": sender, "message": text}


def gateway_body(sender: str, text: str) -> dict:
    return {"sender_id": sender, "message": text}


def run_stub(conversations: int, turns: int, rasa_port: int = 15905, gateway_port: int = 18905) -> list[LoadResult]:
    """An instant stub Rasa, the gateway in front of it; the same load direct and through the gateway."""
    env = dict(os.environ, MOTCUA_RASA_URL=f"http://127.0.0.1:{rasa_port}", MOTCUA_RATE_LIMIT="1000000/minute")
    logs = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    stub_cmd = [sys.executable, "-m", "motcua.stub_rasa", str(rasa_port)]
    gateway_cmd = [sys.executable, "-m", "motcua", "gateway", "--host", "127.0.0.1", "--port", str(gateway_port)]
    logs_of = {"stub": logs / "stub.log", "gateway": logs / "gateway.log"}
    running = stack.RunningStack(stack.StackSettings(), Path(), {}, logs_of)
    try:
        running.processes["stub"] = stack.spawn(stub_cmd, env, running.logs["stub"])
        running.processes["gateway"] = stack.spawn(gateway_cmd, env, running.logs["gateway"])
        stack.wait_until_ready(f"http://127.0.0.1:{rasa_port}/", running.processes["stub"], running.logs["stub"], 60)
        stack.wait_until_ready(
            f"http://127.0.0.1:{gateway_port}/health", running.processes["gateway"], running.logs["gateway"], 60
        )
        return _compare(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{gateway_port}", conversations, turns)
    finally:
        running.stop()


def run_real(conversations: int, turns: int) -> list[LoadResult]:
    """The whole stack on bench ports (training first if needed), the same load direct to Rasa and via the gateway."""
    settings = stack.StackSettings(rasa_port=15915, actions_port=15965, gateway_port=18915)
    os.environ["MOTCUA_RATE_LIMIT"] = "1000000/minute"
    model = stack.train(settings)
    with stack.running(settings, model) as running:
        s = running.settings
        return _compare(s.rasa_url, s.gateway_url, conversations, turns)


def _compare(rasa_url: str, gateway_url: str, conversations: int, turns: int) -> list[LoadResult]:
    async def both() -> list[LoadResult]:
        await _load(f"{gateway_url}/api/chat", gateway_body, "warm-up", conversations, 2)
        direct = await _load(f"{rasa_url}/webhooks/rest/webhook", rasa_body, "direct to Rasa", conversations, turns)
        via = await _load(f"{gateway_url}/api/chat", gateway_body, "through the gateway", conversations, turns)
        return [direct, via]

    return asyncio.run(both())


def report(results: list[LoadResult]) -> str:
    lines = []
    for r in results:
        lines.append(
            f"{r.label:>20}: {r.requests} requests in {r.seconds:.1f} s = {r.throughput:.0f} req/s; "
            f"p50 {statistics.median(r.latencies_ms):.1f} ms, p95 {r.pct(0.95):.1f} ms, errors {r.errors}"
        )
    direct, via = results
    p50 = statistics.median(via.latencies_ms) - statistics.median(direct.latencies_ms)
    lines.append(f"{'gateway overhead':>20}: p50 {p50:+.1f} ms, p95 {via.pct(0.95) - direct.pct(0.95):+.1f} ms")
    return "\n".join(lines)
