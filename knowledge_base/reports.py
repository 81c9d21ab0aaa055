"""Human-readable rendering of evaluation summaries (rich tables)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

_COLUMNS = ("n", "hit@1", "hit@3", "mrr", "oos_precision", "oos_recall")


def _table(title: str, rows: dict[str, dict[str, Any]]) -> Table:
    table = Table(title=title)
    table.add_column("")
    for column in _COLUMNS:
        table.add_column(column, justify="right")
    for name, metrics in rows.items():
        table.add_row(name, *(f"{metrics[c]:.3f}" if c != "n" else str(metrics[c]) for c in _COLUMNS))
    return table


def render_eval(summary: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    console.print(_table("all questions", {"all": summary}))
    console.print(_table("by variant", summary["by_variant"]))
    if summary.get("by_aspect"):
        console.print(_table("in-scope questions by aspect", summary["by_aspect"]))
    console.print(f"aspect detection accuracy: {summary.get('aspect_accuracy', 0):.3f}")
    lat = summary["latency_ms"]
    console.print(f"latency (warm, ms): p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}")
    for miss in summary.get("misses", []):
        console.print(
            f"  miss [{miss['variant']}] {miss['question'][:80]!r} gold={miss['gold']} got={miss['got']}", markup=False
        )
