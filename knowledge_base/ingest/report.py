"""Parse-quality report of an ingest run: counts per source, filled fields, anomalies with example codes."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from knowledge_base.ingest.normalize import clean
from knowledge_base.schema import Procedure, TimeUnit

EXAMPLES_PER_ANOMALY = 5
_LONG_DOCUMENT = 1200  # a document name this long is most likely several glued rows


@dataclass
class IngestReport:
    """What an ingest produced and how well the crawl parsed."""

    out_path: Path | None = None
    per_source: Counter[str] = field(default_factory=Counter)
    written: int = 0
    merged: list[str] = field(default_factory=list)  # codes found in both crawls
    filled: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    anomalies: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0

    def flag(self, anomaly: str, code: str) -> None:
        codes = self.anomalies[anomaly]
        if not codes or codes[-1] != code:
            codes.append(code)

    def observe(self, procedure: Procedure, page_text: str = "") -> None:
        """Count `procedure`'s filled fields and flag its anomalies (page_text: the crawl's page, if any)."""
        source = procedure.source
        self.per_source[source] += 1
        channels = procedure.channels
        checks = {
            "steps": bool(procedure.steps),
            "channels": bool(channels),
            "time value+unit": any(c.time.value is not None and c.time.unit != TimeUnit.UNKNOWN for c in channels),
            "fee amount": any(c.fee.amount_vnd is not None for c in channels),
            "documents": bool(procedure.documents),
            "document copies": any(d.copies for d in procedure.documents),
            "form templates": any(d.form_template for d in procedure.documents),
            "legal basis": bool(procedure.legal_basis),
            "legal numbers": any(item.number for item in procedure.legal_basis),
            "result": bool(procedure.result),
            "conditions": bool(procedure.conditions),
            "agencies": bool(procedure.agencies),
            "levels": bool(procedure.levels),
            "audiences": bool(procedure.audiences),
            "address": bool(procedure.address),
            "foreign variant": procedure.foreign,
        }
        for name, ok in checks.items():
            self.filled[source][name] += ok
        self._anomalies(procedure, page_text)

    def _anomalies(self, procedure: Procedure, page_text: str) -> None:
        code = procedure.code
        if not procedure.channels:
            self.flag("no submission channel parsed", code)
        for channel in procedure.channels:
            time, fee = channel.time, channel.fee
            if time.value is not None and time.unit == TimeUnit.UNKNOWN:
                self.flag("processing time without unit", code)
            if time.value is None:
                self.flag("processing time not stated / not numeric", code)
            if fee.text and fee.amount_vnd is None and not fee.free:
                self.flag("fee stated but no VND amount parsed", code)
            if fee.amount_vnd is not None and 0 < fee.amount_vnd < 1000:
                self.flag("fee amount below 1,000 VND (portal typo or thousands?)", code)
            if fee.free and re.search(r"\d{1,3}(?:\.\d{3})+\s*(?:đồng|Đồng|VNĐ|/)", fee.text):
                self.flag("fee cell 'Miễn phí' but its detail states an amount", code)
        if len({c.fee.amount_vnd for c in procedure.channels if c.fee.amount_vnd is not None}) > 1:
            self.flag("different fee amounts per channel", code)
        if not procedure.documents:
            self.flag("no documents parsed", code)
        if any(len(d.name) > _LONG_DOCUMENT for d in procedure.documents):
            self.flag("document name very long (rows not segmented?)", code)
        documents = procedure.documents
        if any(not d.form_template and re.search(r"\.(?:docx?|pdf|xlsx?)$", d.name) for d in documents):
            self.flag("form file name left inside the document name", code)
        if procedure.documents and not any(d.copies for d in procedure.documents):
            self.flag("documents without any copies count", code)
        if not procedure.legal_basis:
            self.flag("legal basis missing", code)
        elif any(not item.number for item in procedure.legal_basis):
            self.flag("legal basis item without a document number", code)
        if not procedure.result:
            self.flag("result missing", code)
        if not procedure.steps:
            self.flag("steps missing", code)
        if page_text:
            page = clean(page_text)
            if any(item.number and item.number not in page for item in procedure.legal_basis):
                self.flag("cross-check: legal number not found in page text", code)
            if any(clean(d.name)[:60] not in page for d in procedure.documents):
                self.flag("cross-check: document name not found in page text", code)

    def render(self) -> str:
        lines = ["Catalogue ingest report", "======================="]
        total = sum(self.per_source.values())
        per_source = ", ".join(f"{s}: {n}" for s, n in self.per_source.items())
        lines.append(f"procedures parsed: {total} ({per_source})")
        target = f" → {self.out_path}" if self.out_path else ""
        lines.append(f"written: {self.written} unique codes{target}")
        lines.append(f"codes in both crawls (chatbot-tthc kept, gaps filled): {len(self.merged)}")
        if self.seconds:
            lines.append(f"time: {self.seconds:.1f} s")
        lines.append("")
        sources = list(self.per_source)
        names = list(next(iter(self.filled.values()), {}).keys())
        width = max((len(n) for n in names), default=10)
        lines.append("filled fields".ljust(width) + "".join(f"  {s:>22}" for s in sources))
        for name in names:
            cells = []
            for source in sources:
                n, of = self.filled[source][name], self.per_source[source]
                cells.append(f"  {f'{n}/{of} ({100 * n / of:.0f}%)':>22}")
            lines.append(name.ljust(width) + "".join(cells))
        lines.append("")
        lines.append("anomalies (procedures affected, examples)")
        for anomaly, codes in sorted(self.anomalies.items(), key=lambda item: -len(item[1])):
            lines.append(f"  {len(codes):5d}  {anomaly}: {', '.join(codes[:EXAMPLES_PER_ANOMALY])}")
        return "\n".join(lines)
