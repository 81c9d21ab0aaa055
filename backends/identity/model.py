"""A citizen as the identity backends return it (the fields a national population database shares).

Dates are plain ``date`` values. An empty string means "not on record" (e.g. no phone number); ``current_address``
is ``None`` when the database has no place of current residence. ``repr`` never shows personal data: only a masked
ID number (``0221******34``), so a ``Citizen`` or an ``Address`` may end up in a log or a traceback safely.

Since 1 July 2025 provinces have no district level (two-tier local government): ``district`` is then ``""``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Sex = Literal["nam", "nữ"]
SEXES: tuple[str, ...] = ("nam", "nữ")

# Tình trạng hôn nhân as the population database records it; "" = not on record.
MARITAL_STATUSES: tuple[str, ...] = ("chưa kết hôn", "đã kết hôn", "đã ly hôn", "góa", "")

ID_NUMBER = re.compile(r"[0-9]{12}")


def mask_id_number(id_number: str) -> str:
    """The first 4 and last 2 digits of a 12-digit ID number, the rest as ``*`` (``"0221******34"``)."""
    if not isinstance(id_number, str) or not ID_NUMBER.fullmatch(id_number):
        return "************"
    return f"{id_number[:4]}{'*' * 6}{id_number[-2:]}"


def mask_phone(phone: str) -> str:
    """``"09******78"`` for ``"0912345678"``; ``""`` when there is no phone number."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) < 6:
        return "*" * len(digits)
    return f"{digits[:2]}{'*' * (len(digits) - 4)}{digits[-2:]}"


@dataclass(frozen=True, repr=False)
class Address:
    province: str
    district: str
    commune: str
    detail: str  # house number, street, hamlet (thôn, tổ, khu)

    def one_line(self) -> str:
        """``"detail, commune, district, province"``, leaving out the empty parts."""
        parts = (self.detail, self.commune, self.district, self.province)
        return ", ".join(text for text in (str(part or "").strip() for part in parts) if text)

    def __repr__(self) -> str:
        return f"Address(province={self.province!r}, …)"


@dataclass(frozen=True, kw_only=True, repr=False)
class Citizen:
    id_number: str  # số định danh cá nhân / CCCD: 12 digits
    full_name: str
    date_of_birth: date
    sex: Sex
    ethnicity: str  # dân tộc
    nationality: str  # quốc tịch
    religion: str = "Không"  # tôn giáo
    hometown: str  # quê quán
    permanent_address: Address  # nơi thường trú
    current_address: Address | None  # nơi ở hiện tại; None when not on record
    phone: str = ""
    email: str = ""
    marital_status: str = ""
    father_id: str | None = None
    mother_id: str | None = None
    spouse_id: str | None = None
    children_ids: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.id_number, str) or not ID_NUMBER.fullmatch(self.id_number):
            raise ValueError("id_number must be 12 digits")
        if not isinstance(self.date_of_birth, date):
            raise ValueError("date_of_birth must be a date")
        if self.sex not in SEXES:
            raise ValueError("sex must be 'nam' or 'nữ'")
        if self.marital_status not in MARITAL_STATUSES:
            raise ValueError(f"marital_status must be one of {MARITAL_STATUSES}")
        for name in ("father_id", "mother_id", "spouse_id"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not ID_NUMBER.fullmatch(value)):
                raise ValueError(f"{name} must be 12 digits or None")
        children = tuple(self.children_ids)
        if any(not isinstance(c, str) or not ID_NUMBER.fullmatch(c) for c in children):
            raise ValueError("children_ids must be 12-digit ID numbers")
        object.__setattr__(self, "children_ids", children)

    def __repr__(self) -> str:
        return f"Citizen(id_number={mask_id_number(self.id_number)!r}, …)"

    __str__ = __repr__

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id_number)

    def missing(self) -> tuple[str, ...]:
        """Names of the optional fields that are not on record (what a form must ask the citizen)."""
        gaps = [name for name in ("phone", "email", "hometown", "marital_status") if not getattr(self, name)]
        if self.current_address is None:
            gaps.append("current_address")
        return tuple(gaps)
