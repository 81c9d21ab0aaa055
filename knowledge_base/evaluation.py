"""Retrieval quality on a question set in the format of ``shared/eval/dev.jsonl``.

An in-scope question is a hit@k when any gold code is ranked ≤ k (a question the system wrongly calls out of scope
ranks nothing); MRR uses the best-ranked gold code; an out-of-scope question is a hit when the system says oos.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict


class Question(BaseModel):
    model_config = ConfigDict(extra="ignore")

    question: str
    codes: list[str] = []
    aspect: str = "general"
    variant: str = "diacritics"
    oos: bool = False
    id: str = ""


def load_questions(path: Path) -> list[Question]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(Question.model_validate_json(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not a question line ({exc})") from exc
    return rows


@dataclass
class Outcome:
    question: Question
    ranked: list[str]  # codes, best first; empty when the system said out of scope
    said_oos: bool
    aspect: str
    seconds: float

    def rank(self) -> int | None:
        """1-based rank of the best gold code, or None."""
        ranks = [self.ranked.index(c) + 1 for c in self.question.codes if c in self.ranked]
        return min(ranks) if ranks else None

    def hit(self, k: int) -> bool:
        if self.question.oos:
            return self.said_oos
        r = self.rank()
        return r is not None and r <= k

    def reciprocal_rank(self) -> float:
        if self.question.oos:
            return 1.0 if self.said_oos else 0.0
        r = self.rank()
        return 1.0 / r if r else 0.0


def _metrics(outcomes: list[Outcome]) -> dict[str, Any]:
    n = len(outcomes)
    if n == 0:
        return {"n": 0, "hit@1": 0.0, "hit@3": 0.0, "mrr": 0.0, "oos_precision": 0.0, "oos_recall": 0.0}
    said = [o for o in outcomes if o.said_oos]
    gold = [o for o in outcomes if o.question.oos]
    true_pos = sum(o.question.oos for o in said)
    return {
        "n": n,
        "hit@1": round(sum(o.hit(1) for o in outcomes) / n, 4),
        "hit@3": round(sum(o.hit(3) for o in outcomes) / n, 4),
        "mrr": round(sum(o.reciprocal_rank() for o in outcomes) / n, 4),
        # No question called oos → precision is vacuous (1.0); no oos question in the set → recall is vacuous.
        "oos_precision": round(true_pos / len(said), 4) if said else 1.0,
        "oos_recall": round(true_pos / len(gold), 4) if gold else 1.0,
    }


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    """The ``motcua eval --json`` object, plus per-aspect numbers and aspect-detection accuracy."""
    summary = _metrics(outcomes)
    by_variant: dict[str, list[Outcome]] = defaultdict(list)
    by_aspect: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_variant[o.question.variant].append(o)
        if not o.question.oos:
            by_aspect[o.question.aspect].append(o)
    summary["by_variant"] = {v: _metrics(rows) for v, rows in sorted(by_variant.items())}
    summary["by_aspect"] = {a: _metrics(rows) for a, rows in sorted(by_aspect.items())}
    in_scope = [o for o in outcomes if not o.question.oos]
    summary["aspect_accuracy"] = (
        round(sum(o.aspect == o.question.aspect for o in in_scope) / len(in_scope), 4) if in_scope else 0.0
    )
    ms = np.asarray([o.seconds * 1000 for o in outcomes]) if outcomes else np.zeros(1)
    summary["latency_ms"] = {
        "p50": round(float(np.percentile(ms, 50)), 2),
        "p95": round(float(np.percentile(ms, 95)), 2),
    }
    return summary


def run_questions(questions: Iterable[Question], ask: Callable[[str], tuple[list[str], bool, str]]) -> list[Outcome]:
    """Run each question through ``ask(text) -> (ranked codes, said_oos, aspect)``, timing each call."""
    outcomes = []
    for q in questions:
        started = time.perf_counter()
        ranked, said_oos, aspect = ask(q.question)
        outcomes.append(Outcome(q, [] if said_oos else ranked, said_oos, aspect, time.perf_counter() - started))
    return outcomes


def misses(outcomes: list[Outcome], k: int = 1) -> list[dict[str, Any]]:
    """The questions that were not a hit@k, for error analysis."""
    return [
        {
            "question": o.question.question,
            "gold": o.question.codes,
            "got": o.ranked[:3],
            "said_oos": o.said_oos,
            "variant": o.question.variant,
        }
        for o in outcomes
        if not o.hit(k)
    ]


def dumps(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False)
