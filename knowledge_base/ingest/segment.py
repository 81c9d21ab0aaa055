"""Re-segmentation of the portal's flattened tables (cells glued together without separators).

Every function takes already NFC-normalized text (see `normalize.nfc`) and returns schema objects.
"""

from __future__ import annotations

import re

from knowledge_base.ingest.normalize import clean, clean_block, is_empty
from knowledge_base.schema import (
    ChannelKind,
    Fee,
    LegalBasis,
    Level,
    ProcessingTime,
    RequiredDocument,
    SubmissionChannel,
    TimeUnit,
)

# --------------------------------------------------------------------------- time and fee cells

_UNITS: dict[str, TimeUnit] = {
    "ngày làm việc": TimeUnit.WORKING_DAY,
    "ngày": TimeUnit.DAY,
    "giờ": TimeUnit.HOUR,
    "tháng": TimeUnit.MONTH,
    "năm": TimeUnit.YEAR,
    "tuần": TimeUnit.WEEK,
}
_UNIT_RE = r"(?:[Nn]gày làm việc|[Nn]gày|[Gg]iờ|[Tt]háng|[Nn]ăm|[Tt]uần)"
_NUM_RE = r"\d+(?:[.,]\d+)?"
_TIME_FULL = re.compile(rf"^\s*(?P<num>{_NUM_RE})\s*(?P<unit>{_UNIT_RE})?\b(?P<rest>.*)$", re.S)

_CURRENCY_RE = r"(?:Việt Nam Đồng|VNĐ|VND|vnđ|USD|EUR|Đồng|đồng)"
_AMOUNT = re.compile(rf"(?P<num>\d{{1,3}}(?:[.,]\d{{3}})+|\d+)(?:[.,]\d+)?\s*{_CURRENCY_RE}")
_FREE = re.compile(
    r"^\s*(?:Miễn phí|Không(?: thu)?(?: Đồng)?|0 Đồng)\s*$"
    r"|^\s*(?:Phí|Lệ phí)\s*:\s*(?:0|Không|o)?\s*Đồng",
    re.I,
)


def parse_time(text: str) -> ProcessingTime:
    """ "7 Ngày làm việc" → 7 working days; "1" → value 1, unit unknown; text kept as written."""
    text = clean(text)
    if is_empty(text) or text.lower() == "không quy định":
        return ProcessingTime(text="" if is_empty(text) else text)
    match = _TIME_FULL.match(text)
    if not match:
        return ProcessingTime(text=text)
    value = float(match["num"].replace(",", "."))
    unit = _UNITS[match["unit"].lower()] if match["unit"] else TimeUnit.UNKNOWN
    return ProcessingTime(value=value, unit=unit, text=text)


def amount_vnd(text: str) -> int | None:
    """The first amount in VND stated in `text` ("10,000 Việt Nam Đồng", "Lệ phí : 50.000 đồng")."""
    for match in _AMOUNT.finditer(text):
        if "USD" in match.group(0) or "EUR" in match.group(0):
            continue
        return int(re.sub(r"[.,]", "", match["num"]))
    return None


def parse_fee(cell: str, detail: str = "") -> Fee:
    """A fee cell ("Miễn phí", "10,000 Việt Nam Đồng", "Phí : 0 Đồng") plus its optional detail text."""
    cell, detail = clean(cell), clean(detail)
    if is_empty(cell) and is_empty(detail):
        return Fee()
    text = " ".join(part for part in (cell if not is_empty(cell) else "", detail) if part)
    if _FREE.match(cell):
        return Fee(text=text, amount_vnd=0, free=True)
    amount = amount_vnd(cell)
    if amount is None and is_empty(cell):
        amount = amount_vnd(detail)
    # The portal sometimes stores thousands ("20 VNĐ" with the detail "20.000 đồng/tờ khai").
    if amount is not None and 0 < amount < 1000 and detail:
        stated = {int(re.sub(r"[.,]", "", m["num"])) for m in _AMOUNT.finditer(detail)}
        stated |= {int(n.replace(".", "")) for n in re.findall(r"\d{1,3}(?:\.\d{3})+", detail)}
        if amount * 1000 in stated:
            amount *= 1000
    return Fee(text=text, amount_vnd=amount, free=amount == 0)


# --------------------------------------------------------------------------- submission channels

_CHANNELS: dict[str, ChannelKind] = {
    "trực tuyến": ChannelKind.ONLINE,
    "trực tiếp": ChannelKind.IN_PERSON,
    "dịch vụ bưu chính": ChannelKind.POSTAL,
}
_FEE_CELL = rf"(?:Miễn phí|Không có thông tin|(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?\s*{_CURRENCY_RE})"
_TIME_CELL = (
    rf"(?:{_NUM_RE}\s*{_UNIT_RE}"  # "7 Ngày làm việc", "0.5 Ngày"
    rf"|{_NUM_RE}(?=Miễn phí|Không)"  # unitless time before a word fee: "1Miễn phí"
    r"|\d(?=\d)"  # unitless one-digit time glued to a numeric fee: "120 VNĐ" = 1 | 20 VNĐ
    r"|Không[^\d()]{0,60}?"  # "Không có thông tin", "Không phải trả kết quả …"
    r"|[A-ZĐ](?:(?!Trực t|Dịch vụ bưu)[^()\d]){0,150}?(?=Không có thông tin|Miễn phí)"  # a sentence
    r")?"
)
_ROW = re.compile(
    rf"(?P<kind>Trực tuyến|Trực tiếp|Dịch vụ bưu chính)"
    rf"(?P<time>{_TIME_CELL})(?P<fee>{_FEE_CELL})"
)
_CHANNEL_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"


def _balanced_prefix(text: str) -> str:
    """The leading "( … )" group of `text` (nested parentheses allowed), or "" if there is none."""
    if not text.startswith("("):
        return ""
    depth = 0
    for i, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            return text[: i + 1]
    return text


def split_channels(text: str) -> list[SubmissionChannel]:
    """Re-segment `cach_thuc_thuc_hien`.

    "Hình thức nộp…Mô tảTrực tuyến7 Ngày làm việc10,000 Việt Nam Đồng(…)Trực tiếp…" → one channel per row.
    """
    text = text.replace(_CHANNEL_HEADER, "", 1)
    rows = list(_ROW.finditer(text))
    channels: list[SubmissionChannel] = []
    for i, row in enumerate(rows):
        end = rows[i + 1].start() if i + 1 < len(rows) else len(text)
        tail = text[row.end() : end]
        detail = _balanced_prefix(tail)
        description = tail[len(detail) :]
        channels.append(
            SubmissionChannel(
                kind=_CHANNELS[row["kind"].lower()],
                time=parse_time(row["time"]),
                fee=parse_fee(row["fee"], detail[1:-1] if detail.endswith(")") else detail[1:]),
                description="" if is_empty(description) else clean(description),
            )
        )
    return channels


def channel_from_cells(kind: str, time: str, fee: str, description: str = "") -> SubmissionChannel | None:
    """A channel from already separated cells (nhdandz); None for an unknown channel name."""
    channel = _CHANNELS.get(clean(kind).lower())
    if channel is None:
        return None
    return SubmissionChannel(
        kind=channel,
        time=parse_time(time),
        fee=parse_fee(fee),
        description="" if is_empty(description) else clean(description),
    )


# --------------------------------------------------------------------------- required documents

_DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_COPY_ONE = r"\d+ bản (?:chính|sao|chụp)"
# A copies cell ends a row: it is glued to the next row (or ends the text), never followed by a space.
_COPIES = re.compile(rf"{_COPY_ONE}(?:\s*,\s*{_COPY_ONE})*(?=$|[^\s,.;:)\d])")
_FILE_EXT = re.compile(r"\.(?:docx?|pdf|xlsx?|rar|zip|odt)$", re.I)
# Vietnamese (Latin) capital and small letters, as regex class bodies.
_UPPER = "".join(sorted({c for c in map(chr, range(0x41, 0x1F00)) if c.isalpha() and c.isupper()}))
_LOWER = "".join(sorted({c for c in map(chr, range(0x61, 0x1F00)) if c.isalpha() and c.islower()}))
# Where a glued file name starts. Strong: after ";", ":", ")" or a sentence's "." ("…Chính phủ;Phu lục",
# "(Mẫu số 03).Mẫu 03.TT41.doc"). Weak: a capital stuck to a small letter or closing a capital run
# ("…cấp tỉnhMau 01", "…NĐ-CPMẫu số 01").
_STRONG_START = re.compile(rf"(?:(?<=[;:)])|(?<=\)\.)|(?<=[{_LOWER}{_UPPER}]\.))(?=[{_UPPER}])")
_WEAK_START = re.compile(rf"(?:(?<=[{_LOWER}])|(?<=[{_UPPER}]{{2}})(?=[{_UPPER}][{_LOWER}]))(?=[{_UPPER}])")
_MAX_FILE_NAME = 160


def _split_template(row: str) -> tuple[str, str]:
    """Split "<document name><form file name>.docx" into (name, form file name); ("row", "") if unsure."""
    if not _FILE_EXT.search(row):
        return row, ""
    window_start = max(0, len(row) - _MAX_FILE_NAME)
    strong = [m.end() for m in _STRONG_START.finditer(row, window_start)]
    weak = [m.end() for m in _WEAK_START.finditer(row, window_start)]
    for cut in strong + weak:
        head, tail = row[:cut], row[cut:]
        if len(head.strip()) >= 3 and "; " not in tail and ", " not in tail:
            return head, tail
    return row, ""


def _count(copies: str, kind: str) -> int | None:
    found = re.findall(rf"(\d+) bản {kind}", copies)
    return sum(int(n) for n in found) if found else None


def _group_name(heading: str) -> str:
    heading = clean(heading).strip("*-: ").strip()
    return heading


def split_documents(text: str) -> list[RequiredDocument]:
    """Re-segment `thanh_phan_ho_so` into documents with copies, form template and group heading."""
    if is_empty(text):
        return []
    parts = text.split(_DOC_HEADER)
    heading = parts[0] if len(parts) > 1 else ""
    bodies = parts[1:] if len(parts) > 1 else parts
    documents: list[RequiredDocument] = []
    for body in bodies:
        group = _group_name(heading)
        position = 0
        for copies in _COPIES.finditer(body):
            row = body[position : copies.start()]
            position = copies.end()
            documents.extend(_document(row, copies.group(0), group))
        heading = body[position:]
    if clean(heading).strip("-* ") and len(bodies) and not _COPIES.search(heading):
        # Trailing rows without a copies cell (rare): keep them as documents of the last group.
        documents.extend(_document(heading, "", documents[-1].group if documents else ""))
    return documents


def _document(row: str, copies: str, group: str) -> list[RequiredDocument]:
    row = clean(row)
    row = re.sub(r"^[-+•]\s*", "", row)
    if not row:
        return []
    name, template = _split_template(row)
    name = clean(name).rstrip(";").strip() or clean(template)
    return [
        RequiredDocument(
            name=name,
            copies=clean(copies),
            original=_count(copies, "chính"),
            copy_count=_count(copies, "sao"),
            form_template=clean(template),
            group=group,
        )
    ]


def copies_from_note(note: str) -> tuple[str, int | None, int | None]:
    """nhdandz "Bản chính: 1\\nBản sao: 0" → ("Bản chính: 1 - Bản sao: 0", 1, 0)."""
    note = clean_block(note)
    original = re.search(r"Bản chính\s*:\s*(\d+)", note)
    copy = re.search(r"Bản sao\s*:\s*(\d+)", note)
    text = " - ".join(clean(line) for line in note.split("\n") if line.strip())
    return text, int(original[1]) if original else None, int(copy[1]) if copy else None


# --------------------------------------------------------------------------- legal basis

_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# Words a legal-document title starts with; a capital that starts one of them is not part of a number.
_TITLE_WORDS = (
    "Nghị|Thông|Luật|Bộ luật|Quyết|Văn|Hướng|Sửa|Quy|Pháp|Bộ|Chỉ|Công|Kế|Lệnh|Nội|Hiến|Ban|Danh|Điều|Căn"
    "|Hiệp|Các|Về|Phụ|Tiêu|Chuẩn|Mẫu|Biểu|Hợp|Lu|Thực|Tổ|Giải|Xử|Cấp|Đăng|Phí|Lệ|Mức|Chính|Bảo|Kiểm|Quản|Trình"
    "|LUẬT|NGHỊ|THÔNG|QUY|VĂN|BỘ|SỬA|BAN|HƯỚNG|VỀ|CHỈ|PHÁP"
)
_CAP_NOT_WORD = rf"(?:(?!{_TITLE_WORDS})[{_UPPER}])"
# 123/2015/NĐ-CP, 66.7/2025/NQ-CP, 60/2014/QH13, 02/2020/UBTVQH14, 85/2019/TT-BTC, 01/VBHN-BTP …
_DOC_NUMBER = re.compile(
    rf"\d+(?:\.\d+)?/(?:\d{{4}}/)?(?:(?:UBTV)?QH\d{{1,2}}|(?:TTg|{_CAP_NOT_WORD})+(?:-(?:TTg|{_CAP_NOT_WORD})+)*(?:\d{{1,2}}(?!\d|/))?)"
)
_TYPE_PREFIX = re.compile(
    r"(?:Luật|Bộ luật|Nghị định|Thông tư(?: liên tịch)?|Quyết định|Nghị quyết|Pháp lệnh|Văn bản hợp nhất)"
    r"(?: số)?\s*$"
)


def split_legal_basis(text: str) -> list[LegalBasis]:
    """Re-segment `can_cu_phap_ly` ("Tên văn bản pháp lýMã văn bản<title><number><title><number>…")."""
    if is_empty(text):
        return []
    text = text.split(_LEGAL_HEADER, 1)[-1]
    items: list[LegalBasis] = []
    start = 0
    matches = list(_DOC_NUMBER.finditer(text))
    for i, match in enumerate(matches):
        after = text[match.end() : match.end() + 2]
        before = text[match.start() - 1] if match.start() else " "
        # A number cell ends the row: it is followed by the next title (glued, or one space and a capital)
        # or by the end of the table; inside a title a number is followed by " ngày", ",", ")"…
        ends_row = after == "" or re.match(rf"[{_UPPER}]|\s[{_UPPER}]", after) is not None
        glued_next = i + 1 < len(matches) and matches[i + 1].start() == match.end()
        if glued_next:  # "Luật 60/2014/QH1360/2014/QH13": the first number belongs to the title
            continue
        glued_previous = i > 0 and matches[i - 1].end() == match.start()
        if not ends_row or (before.isdigit() and not glued_previous) or match.start() < start:
            continue
        title = text[start : match.start()]
        number = match.group(0)
        year_glued = re.match(r"((?:19|20)\d\d)(\d{1,4}/\d{4}/)", number)
        if year_glued:  # "Luật Khiếu nại năm 201102/2011/QH13"
            title += year_glued[1]
            number = number[len(year_glued[1]) :]
        # "…Bộ Tư phápThông tư số 03/2023/TT-BTP": the number cell repeated the document type.
        prefix = _TYPE_PREFIX.search(title)
        if prefix and prefix.start() > 0 and not title[prefix.start() - 1].isspace():
            title = title[: prefix.start()]
        title = clean(title).strip(" .;,")
        start = match.end()
        if not title:
            title = number
        items.append(LegalBasis(title=title, number=number))
    rest = clean(text[start:])
    if rest and not is_empty(rest):
        # A last row whose number is followed by stray punctuation ("…84/2019/NĐ-CP..").
        last = [m for m in _DOC_NUMBER.finditer(rest) if not rest[m.end() :].strip(" .;,")]
        head = clean(rest[: last[-1].start()]).strip(" .;,") if last else ""
        if head:
            items.append(LegalBasis(title=head, number=last[-1].group(0)))
        else:
            items.append(LegalBasis(title=rest))
    return items


# --------------------------------------------------------------------------- steps, levels, results, lists

_STEP_WORD = re.compile(r"(?=(?<![\w/])Bước\s*\d+\s*[:.\-–)]?)")
_NEW_ITEM = re.compile(r"^(?:[-•*–]|\d+[.)]\s|Bước\s*\d)")


def split_steps(text: str) -> list[str]:
    """`trinh_tu_thuc_hien` → steps: split on "Bước N" when the text numbers its steps, else on "- " lines.

    Continuation lines ("+ …", "(i) …", wrapped text) stay inside their step, so joining the steps gives
    back the text.
    """
    text = re.sub(r";\s+-\s+", ";\n- ", clean_block(text))
    if is_empty(text):
        return []
    if len(re.findall(r"(?<![\w/])Bước\s*\d+", text)) >= 2:
        pieces = [piece for piece in _STEP_WORD.split(text) if re.search(r"\w", piece)]
        return [clean_block(piece) for piece in pieces]
    steps: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if not steps or _NEW_ITEM.match(line):
            steps.append(re.sub(r"^[-•–]\s*", "", line))
        else:
            steps[-1] += "\n" + line
    return [step.strip() for step in steps if re.search(r"\w", step)]


_LEVELS = {
    "cấp bộ": Level.BO,
    "cấp trung ương": Level.BO,
    "cấp tỉnh": Level.TINH,
    "cấp huyện": Level.HUYEN,
    "cấp xã": Level.XA,
    "cơ quan khác": Level.KHAC,
}


def parse_levels(text: str) -> list[Level]:
    """ "Cấp bộ, Cấp tỉnh, Cấp xã" → [bo, tinh, xa] in the order given, without duplicates."""
    levels: list[Level] = []
    for part in re.split(r"[,;]", clean(text).lower()):
        level = _LEVELS.get(part.strip())
        if level is not None and level not in levels:
            levels.append(level)
    return levels


_RESULT_JUNK = re.compile(r"Từ khóa.*$|Chọn cơ quan thực hiện.*$|Nộp hồ sơ$", re.S)


def parse_result(text: str) -> str:
    """`ket_qua_xu_ly`: result names ("…Mã: KQ.G15.000031") without codes and page junk, joined by "; "."""
    text = _RESULT_JUNK.sub("", text)
    names = [clean(part).strip(" .;") for part in re.split(r"Mã\s*:\s*KQ\.[A-Z0-9]+(?:\.\d+)*", text)]
    names = [name for name in names if name and not is_empty(name)]
    return "; ".join(dict.fromkeys(names))


def split_list(text: str, *, commas: bool = True) -> list[str]:
    """Split a list cell on commas (outside parentheses), semicolons and new lines; drop empty markers."""
    text = clean_block(text)
    if is_empty(text):
        return []
    items: list[str] = []
    depth, current = 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if depth <= 0 and (char in ";\n" or (commas and char == ",")):
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    cleaned = [clean(item).strip("-+• ").strip() for item in items]
    return list(dict.fromkeys(item for item in cleaned if item and not is_empty(item)))


_FOREIGN = re.compile(
    r"yếu tố nước ngoài|người nước ngoài|công dân nước ngoài|tổ chức nước ngoài|quốc tịch nước ngoài"
    r"|định cư ở nước ngoài|ở nước ngoài|cơ quan đại diện",
    re.I,
)


def is_foreign(name: str) -> bool:
    """True for the "có yếu tố nước ngoài" / foreigners' variants of a procedure (decided from its name)."""
    return _FOREIGN.search(name) is not None
