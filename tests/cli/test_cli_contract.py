"""The command-line contracts other tools rely on (DESIGN.md): `motcua ask --json` and `motcua eval --json`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

MOTCUA = [sys.executable, "-m", "motcua"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MOTCUA, *args], capture_output=True, text=True, timeout=600, check=False)


def test_ask_json_shape() -> None:
    done = _run("ask", "--json", "--top-k", "3", "làm giấy khai sinh cho con cần gì")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) == {"query", "oos", "aspect", "answer", "procedures"}
    assert out["oos"] is False and out["aspect"] == "documents"
    assert 1 <= len(out["procedures"]) <= 3
    for p in out["procedures"]:
        assert set(p) == {"code", "name", "score"}
        assert isinstance(p["score"], float)
    scores = [p["score"] for p in out["procedures"]]
    assert scores == sorted(scores, reverse=True)
    assert out["procedures"][0]["code"] == "1.001193"


def test_eval_json_shape(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {
            "question": "đăng ký kết hôn cần gì",
            "codes": ["1.000894"],
            "aspect": "documents",
            "variant": "diacritics",
            "oos": False,
        },
        {
            "question": "thoi tiet hom nay the nao",
            "codes": [],
            "aspect": "general",
            "variant": "no_diacritics",
            "oos": True,
        },
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    done = _run("eval", "--questions", str(questions), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for key in ("n", "hit@1", "hit@3", "mrr", "oos_precision", "oos_recall", "by_variant", "latency_ms"):
        assert key in out
    assert out["n"] == 2
    assert set(out["by_variant"]) == {"diacritics", "no_diacritics"}
    assert set(out["latency_ms"]) == {"p50", "p95"}
    assert out["by_variant"]["diacritics"]["hit@1"] == 1.0


def test_ask_rejects_a_bad_option_without_traceback() -> None:
    done = _run("ask", "--top-k", "0", "x")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr


def test_eval_reports_a_malformed_question_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    done = _run("eval", "--questions", str(bad))
    assert done.returncode != 0
    assert "bad.jsonl:1" in done.stderr
    assert "Traceback" not in done.stderr
