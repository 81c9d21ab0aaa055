"""Reader for the nhdandz crawl of Ministry of Defence procedures (`extracted_fixed/<code>.json`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from knowledge_base.ingest import segment
from knowledge_base.ingest.normalize import clean, nfc, or_empty
from knowledge_base.schema import LegalBasis, Procedure, RequiredDocument, SubmissionChannel

SOURCE = "nhdandz"
FOLDER = "nhdandz__ThuTucHanhChinh"
MINISTRY = "Bộ Quốc phòng"


def find_root(raw_root: Path) -> Path:
    for candidate in (raw_root / FOLDER / "extracted_fixed", raw_root / "extracted_fixed", raw_root):
        if candidate.is_dir() and any(candidate.glob("*.json")):
            return candidate
    raise FileNotFoundError(f"no nhdandz crawl under {raw_root}")


def _nfc_tree(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_tree(item) for item in value]
    if isinstance(value, dict):
        return {nfc(key): _nfc_tree(item) for key, item in value.items()}
    return value


def load_record(path: Path) -> dict[str, Any]:
    return _nfc_tree(json.loads(path.read_text(encoding="utf-8")))


def _channels(rows: list[dict[str, str]]) -> list[SubmissionChannel]:
    channels = []
    for row in rows:
        channel = segment.channel_from_cells(
            row.get("hinh_thuc", ""),
            row.get("thoi_han_giai_quyet", ""),
            row.get("phi_le_phi", ""),
            row.get("mo_ta", ""),
        )
        if channel is not None:
            channels.append(channel)
    return channels


def _documents(rows: list[dict[str, str]]) -> list[RequiredDocument]:
    documents = []
    for row in rows:
        name = clean(row.get("ten_giay_to"))
        if not name:
            continue
        copies, original, copy_count = segment.copies_from_note(row.get("ghi_chu", ""))
        documents.append(
            RequiredDocument(
                name=re.sub(r"^[-+•]\s*", "", name),
                copies=copies,
                original=original,
                copy_count=copy_count,
                form_template=or_empty(row.get("so_luong")),
            )
        )
    return documents


def _legal_basis(rows: list[dict[str, str]]) -> list[LegalBasis]:
    items = []
    for row in rows:
        title = clean(row.get("trich_yeu"))
        number = clean(row.get("so_ky_hieu"))
        if "/" not in number:
            # "12" next to "Quyết định số 12/2021/QĐ-TTg …": take the full number from the title.
            found = re.search(rf"(?<!\d){re.escape(number)}/\d{{4}}/[\wĐ-]+", title) if number else None
            number = found.group(0) if found else ("" if number.isdigit() else number)
        if title or number:
            items.append(LegalBasis(title=title or number, number=number))
    return items


def to_procedure(record: dict[str, Any]) -> Procedure:
    meta, content, tables = record.get("metadata", {}), record.get("content", {}), record.get("tables", {})
    code = clean(meta.get("mã_thủ_tục") or record.get("thu_tuc_id"))
    name = clean(meta.get("tên_thủ_tục"))
    agencies = []
    for key in ("cơ_quan_thực_hiện", "cơ_quan_có_thẩm_quyền"):
        for agency in segment.split_list(content.get(key, ""), commas=False):
            if agency.lower() not in (a.lower() for a in agencies):
                agencies.append(agency)
    return Procedure(
        code=code,
        name=name,
        field=or_empty(meta.get("lĩnh_vực")),
        ministry=MINISTRY,
        decision=re.sub(r"^Quyết định số\s*", "", or_empty(meta.get("số_quyết_định"))),
        procedure_type=or_empty(meta.get("loại_thủ_tục")),
        levels=segment.parse_levels(meta.get("cấp_thực_hiện", "")),
        levels_text=or_empty(meta.get("cấp_thực_hiện")),
        agencies=agencies,
        address=or_empty(content.get("địa_chỉ_tiếp_nhận_hs"), block=True),
        audiences=segment.split_list(content.get("đối_tượng_thực_hiện", "")),
        steps=segment.split_steps(content.get("trình_tự_thực_hiện", "")),
        channels=_channels(tables.get("hinh_thuc_nop", [])),
        documents=_documents(tables.get("thanh_phan_ho_so", [])),
        conditions=or_empty(content.get("yêu_cầu_điều_kiện_thực_hiện"), block=True),
        legal_basis=_legal_basis(tables.get("can_cu_phap_ly", [])),
        result=or_empty(content.get("kết_quả_thực_hiện"), block=True),
        source_url="",
        source=SOURCE,
        foreign=segment.is_foreign(name),
    )


def read(raw_root: Path) -> Iterator[tuple[dict[str, Any], Procedure]]:
    for path in sorted(find_root(raw_root).glob("*.json")):
        record = load_record(path)
        yield record, to_procedure(record)
