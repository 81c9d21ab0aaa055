"""Both crawls → one normalized, validated catalogue (JSON Lines, one procedure per line, sorted by code)."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

from knowledge_base.ingest import chatbot_tthc, nhdandz
from knowledge_base.ingest.report import IngestReport
from knowledge_base.schema import Procedure


def merge(primary: Procedure, secondary: Procedure) -> Procedure:
    """`primary` with each of its empty fields (``""``, ``[]``, ``None``) filled from `secondary`."""
    data = primary.model_dump()
    for name, value in secondary.model_dump().items():
        if data.get(name) in ("", [], None) and value not in ("", [], None):
            data[name] = value
    return Procedure.model_validate(data)


def build(raw_root: Path, report: IngestReport) -> list[Procedure]:
    """Parse both crawls under `raw_root`, merge codes found in both, return procedures sorted by code."""
    by_code: dict[str, Procedure] = {}
    for record, procedure in chatbot_tthc.read(raw_root):
        report.observe(procedure, record.get("raw_text", ""))
        if procedure.code in by_code:
            report.flag("duplicate code within chatbot-tthc (first kept)", procedure.code)
            continue
        by_code[procedure.code] = procedure
    for _record, procedure in nhdandz.read(raw_root):
        report.observe(procedure)
        if procedure.code in by_code:
            if by_code[procedure.code].source == nhdandz.SOURCE:
                report.flag("duplicate code within nhdandz (first kept)", procedure.code)
                continue
            by_code[procedure.code] = merge(by_code[procedure.code], procedure)
            report.merged.append(procedure.code)
        else:
            by_code[procedure.code] = procedure
    return [by_code[code] for code in sorted(by_code)]


def write_jsonl(procedures: list[Procedure], out_path: Path) -> None:
    """One `Procedure.model_dump_json()` per line, UTF-8, NFC; written to a temp file then moved in place."""
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_suffix(out_path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        for procedure in procedures:
            handle.write(unicodedata.normalize("NFC", procedure.model_dump_json()) + "\n")
    tmp.replace(out_path)


def run_ingest(raw_root: Path, out_path: Path) -> IngestReport:
    """Ingest both crawls found under `raw_root` into `out_path`; return the parse-quality report."""
    started = time.perf_counter()
    report = IngestReport(out_path=out_path)
    procedures = build(Path(raw_root), report)
    write_jsonl(procedures, Path(out_path))
    report.written = len(procedures)
    report.seconds = time.perf_counter() - started
    return report
