"""A citizen as the identity backends return it (the fields a national population database shares), and the
birth notices (giấy chứng sinh) that maternity facilities share electronically with the civil registry.

Dates are plain ``date`` values. An empty string means "not on record" (e.g. no phone number); ``current_address``
is ``None`` when the database has no place of current residence. ``repr`` never shows personal data: only a masked
ID number (``0221******34``), so a ``Citizen`` or an ``Address`` may end up in a log or a traceback safely; a
``BirthNotice`` shows neither a name nor an ID number nor its own number.

Since 1 July 2025 provinces have no district level (two-tier local government): ``district`` is then ``""``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
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


MAX_NOTICE_NUMBER = 64
MAX_NOTICE_TEXT = 300


def _plain_text(value: object, what: str, *, limit: int, required: bool) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string")
    if required and not value.strip():
        raise ValueError(f"{what} must not be empty")
    if len(value) > limit or not value.isprintable():
        raise ValueError(f"{what} must be printable text of at most {limit} characters")


@dataclass(frozen=True, kw_only=True, repr=False)
class BirthNotice:
    """A giấy chứng sinh: what the facility where the child was born certifies, the data of the birth registration.

    Since the e-birth-certificate rollout the facility shares it with the civil registry, so the birth-registration
    form can be pre-filled from it. ``registered`` turns True once the birth has been registered (khai sinh done).
    """

    number: str  # số giấy chứng sinh, e.g. "QN-BVBC-2026-01873"
    mother_id: str  # 12 digits
    father_id: str | None  # 12 digits, or None when not declared
    child_name: str  # "dự kiến đặt tên con"; "" when the parents have not chosen yet
    date_of_birth: date
    sex: Sex
    place_of_birth: str  # facility + address
    issued_by: str  # the facility
    issued_on: date
    registered: bool = False

    def __post_init__(self) -> None:
        _plain_text(self.number, "number", limit=MAX_NOTICE_NUMBER, required=True)
        if self.number != self.number.strip():
            raise ValueError("number must not start or end with spaces")
        if not isinstance(self.mother_id, str) or not ID_NUMBER.fullmatch(self.mother_id):
            raise ValueError("mother_id must be 12 digits")
        father = self.father_id
        if father is not None and (not isinstance(father, str) or not ID_NUMBER.fullmatch(father)):
            raise ValueError("father_id must be 12 digits or None")
        if self.father_id == self.mother_id:
            raise ValueError("father_id and mother_id must differ")
        _plain_text(self.child_name, "child_name", limit=MAX_NOTICE_TEXT, required=False)
        _plain_text(self.place_of_birth, "place_of_birth", limit=MAX_NOTICE_TEXT, required=True)
        _plain_text(self.issued_by, "issued_by", limit=MAX_NOTICE_TEXT, required=True)
        # datetime is a date subclass: refused, a notice holds calendar days only
        for name in ("date_of_birth", "issued_on"):
            value = getattr(self, name)
            if not isinstance(value, date) or isinstance(value, datetime):
                raise ValueError(f"{name} must be a date")
        if self.date_of_birth > self.issued_on:
            raise ValueError("date_of_birth must not be after issued_on")
        if self.sex not in SEXES:
            raise ValueError("sex must be 'nam' or 'nữ'")
        if not isinstance(self.registered, bool):
            raise ValueError("registered must be True or False")

    def __repr__(self) -> str:
        return f"BirthNotice(registered={self.registered!r}, …)"

    __str__ = __repr__

    def parents(self) -> tuple[str, ...]:
        """The ID numbers of the declared parents: the mother, then the father when declared."""
        return (self.mother_id,) if self.father_id is None else (self.mother_id, self.father_id)
