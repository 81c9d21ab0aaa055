"""Ingest of the portal crawls into the normalized catalogue (`knowledge_base/data/catalogue.jsonl`)."""

from knowledge_base.ingest.pipeline import run_ingest
from knowledge_base.ingest.report import IngestReport

__all__ = ["IngestReport", "run_ingest"]
