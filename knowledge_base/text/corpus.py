"""Training text for the tone restorer: the catalogue crawl and the committed everyday phrases."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .normalize import nfc

__all__ = ["crawl_texts", "everyday_texts", "split_glued_words", "training_texts"]

# Crawl fields that hold running Vietnamese text (raw_text repeats them all; urls / codes are not text).
CRAWL_TEXT_FIELDS = (
    "ten_thu_tuc",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "dia_chi_tiep_nhan",
    "co_quan_duoc_uy_quyen",
    "co_quan_phoi_hop",
    "thu_tuc_lien_quan",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "co_quan_thuc_hien",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
)


@lru_cache(maxsize=1)
def _glue_re() -> re.Pattern[str]:
    lower = "".join(chr(c) for c in range(0x61, 0x1F00) if chr(c).isalpha() and chr(c).islower())
    upper = "".join(chr(c) for c in range(0x41, 0x1F00) if chr(c).isalpha() and chr(c).isupper())
    return re.compile(f"(?<=[{re.escape(lower)}])(?=[{re.escape(upper)}])")


def split_glued_words(text: str) -> str:
    """Put a break where flattened table cells were glued: "Hình thức nộpThời gian" → "nộp | Thời"."""
    return _glue_re().sub(" | ", text)


def crawl_texts(raw_dir: str | Path, *, step: int = 1) -> Iterator[str]:
    """Text fields of the procedure JSONs under `raw_dir` (``<ministry>/<code>.json``), NFC, de-glued.

    `step` > 1 takes every step-th file only (a quick sample for tests).
    """
    for path in sorted(Path(raw_dir).glob("*/*.json"))[::step]:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for field in CRAWL_TEXT_FIELDS:
            value = record.get(field)
            if isinstance(value, str) and value and value != "Không có thông tin":
                yield split_glued_words(nfc(value))


def everyday_texts() -> Iterable[str]:
    """The committed everyday citizen phrases (knowledge_base/data/everyday_vi.txt), one per line."""
    text = resources.files("knowledge_base").joinpath("data/everyday_vi.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def training_texts(catalogue_texts: Iterable[str], everyday_weight: int = 5) -> Iterator[str]:
    """Catalogue texts followed by the everyday phrases repeated `everyday_weight` times.

    Citizen questions use everyday words ("mất", "ở đâu", "bao nhiêu tiền") that are rare in the
    catalogue; the repetition gives them weight against the catalogue's much larger counts.
    """
    yield from catalogue_texts
    everyday = everyday_texts()
    for _ in range(everyday_weight):
        yield from everyday
