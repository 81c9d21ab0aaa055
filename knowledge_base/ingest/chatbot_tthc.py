"""Reader for the chatbot-tthc crawl of the National Public Service Portal (`raw/<ministry>/<code>.json`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from knowledge_base.ingest import segment
from knowledge_base.ingest.normalize import clean, nfc, or_empty
from knowledge_base.schema import Procedure

SOURCE = "chatbot-tthc"
FOLDER = "chatbot-tthc__chatbot_tthc"

MINISTRIES: dict[str, str] = {
    "bo-tu-phap": "Bộ Tư pháp",
    "bo-cong-an": "Bộ Công an",
    "bo-tai-chinh": "Bộ Tài chính",
    "bo-nong-nghiep-mt": "Bộ Nông nghiệp và Môi trường",
    "bo-xay-dung": "Bộ Xây dựng",
    "toa-an-nhan-dan": "Tòa án nhân dân",
}

# Section titles of the page text, in page order (used to repair fields the crawler cut in the wrong place).
_SECTIONS = {
    "cach_thuc_thuc_hien": ("Cách Thức Thực Hiện", "Thành phần hồ sơ"),
    "thanh_phan_ho_so": ("Thành phần hồ sơ", "Căn cứ pháp lýTên văn bản pháp lý"),
    "can_cu_phap_ly": ("Căn cứ pháp lýTên văn bản pháp lý", "Cơ quan thực hiện"),
}


def find_root(raw_root: Path) -> Path:
    """The folder holding `<ministry>/<code>.json` under the shared raw-data root."""
    for candidate in (raw_root / FOLDER / "raw", raw_root / "raw", raw_root):
        if candidate.is_dir() and any(candidate.glob("*/*.json")):
            return candidate
    raise FileNotFoundError(f"no chatbot-tthc crawl under {raw_root}")


def iter_files(raw_root: Path) -> Iterator[Path]:
    yield from sorted(find_root(raw_root).glob("*/*.json"))


def load_record(path: Path) -> dict[str, str]:
    """The JSON record, every string NFC-normalized, plus the ministry folder under "_folder"."""
    data = json.loads(path.read_text(encoding="utf-8"))
    record = {key: nfc(value) if isinstance(value, str) else value for key, value in data.items()}
    record["_folder"] = path.parent.name
    return record


def raw_section(raw_text: str, field: str) -> str:
    """The part of the page text that holds `field` (for cross-checks and repairs)."""
    start_title, end_title = _SECTIONS[field]
    start = raw_text.find(start_title)
    if start < 0:
        return ""
    start += len(start_title) if field != "can_cu_phap_ly" else len("Căn cứ pháp lý")
    end = raw_text.find(end_title, start)
    return raw_text[start : end if end >= 0 else len(raw_text)]


def _field(record: dict[str, str], field: str) -> str:
    """A table field, repaired from the page text when the crawler cut it at a look-alike title."""
    value = record.get(field, "") or ""
    legal = (record.get("can_cu_phap_ly") or "").strip()
    # When the legal-basis field does not start with its table header, the crawler cut the page at a
    # look-alike title inside the fee notes, which also truncated the submission-channel table.
    page_cut = not legal.startswith("Tên văn bản pháp lý") and legal != "Không có thông tin"
    looks_cut = {
        "cach_thuc_thuc_hien": page_cut or not value.startswith("Hình thức nộp"),
        "can_cu_phap_ly": page_cut,
        "thanh_phan_ho_so": False,
    }[field]
    if looks_cut:
        # The crawler cut the page at a look-alike title (e.g. "Căn cứ pháp lý:" inside a fee note):
        # take the section from the page text, or nothing when the page has no such table.
        return raw_section(record.get("raw_text", ""), field)
    return value


def _related(text: str) -> list[str]:
    """`thu_tuc_lien_quan` "#Tên thủ tục1<name>2<name>…" → names."""
    text = or_empty(text)
    if not text:
        return []
    text = text.replace("#Tên thủ tục", "")
    return [clean(part) for part in re.split(r"(?:^|(?<=\D))\d+(?=[A-ZĐÀ-Ỹ])", text) if clean(part)]


def _agencies(record: dict[str, str]) -> list[str]:
    agencies: list[str] = []
    for key in ("co_quan_thuc_hien", "co_quan_co_tham_quyen"):
        for agency in segment.split_list(record.get(key, ""), commas=False):
            if agency.lower() not in (a.lower() for a in agencies):
                agencies.append(agency)
    return agencies


def to_procedure(record: dict[str, str]) -> Procedure:
    """One crawl record → a validated `Procedure`."""
    name = clean(record.get("ten_thu_tuc"))
    return Procedure(
        code=clean(record["ma_thu_tuc"]),
        name=name,
        field=or_empty(record.get("linh_vuc")),
        ministry=MINISTRIES.get(record.get("_folder", ""), ""),
        decision=or_empty(record.get("so_quyet_dinh")),
        procedure_type=or_empty(record.get("loai_thu_tuc")),
        levels=segment.parse_levels(record.get("cap_thuc_hien", "")),
        levels_text=or_empty(record.get("cap_thuc_hien")),
        agencies=_agencies(record),
        address=or_empty(record.get("dia_chi_tiep_nhan"), block=True),
        audiences=segment.split_list(record.get("doi_tuong_thuc_hien", "")),
        steps=segment.split_steps(record.get("trinh_tu_thuc_hien", "")),
        channels=segment.split_channels(_field(record, "cach_thuc_thuc_hien")),
        documents=segment.split_documents(_field(record, "thanh_phan_ho_so")),
        conditions=or_empty(record.get("yeu_cau_dieu_kien"), block=True),
        legal_basis=segment.split_legal_basis(_field(record, "can_cu_phap_ly")),
        result=segment.parse_result(record.get("ket_qua_xu_ly", "")),
        related=_related(record.get("thu_tuc_lien_quan", "")),
        source_url=clean(record.get("detail_url")),
        source=SOURCE,
        foreign=segment.is_foreign(name),
    )


def read(raw_root: Path) -> Iterator[tuple[dict[str, str], Procedure]]:
    """(record, procedure) for every file of the crawl; the record is kept for the quality report."""
    for path in iter_files(raw_root):
        record = load_record(path)
        yield record, to_procedure(record)
