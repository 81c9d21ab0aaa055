"""Query-side signals that steer which sibling variant of a procedure fits (foreign element, level asked)."""

from __future__ import annotations

import re

from knowledge_base.schema import Level, Procedure

# Matched on folded text (no tone marks), as whole words.
_FOREIGN = re.compile(
    r"\b(nuoc ngoai|ngoai quoc|viet kieu|quoc tich khac|quoc tich nuoc|nguoi han|han quoc|trung quoc|"
    r"dai loan|nhat ban|nguoi nhat|nguoi my|nuoc my|hoa ky|nguoi uc|nguoi phap|nguoi duc|nguoi nga|"
    r"campuchia|foreign\w*|overseas|expat\w*|abroad|korean|chinese|japanese|american|"
    r"australian|french|german|british|taiwanese|canadian|russian|indian|thai|singaporean|malaysian|filipino|"
    r"indonesian|italian|spanish|dutch|swiss|swedish|norwegian|danish|laotian|cambodian|i am not vietnamese|"
    r"non-vietnamese)\b"
)
_PROVINCE = re.compile(r"\b(cap tinh|so tu phap|so tai chinh|so xay dung|so nong nghiep|province|provincial)\b")
_MINISTRY = re.compile(r"\b(cap bo|bo tu phap|bo cong an|bo tai chinh|bo quoc phong|trung uong|ministry|cuc )\b")


def mentions_foreign(folded: str) -> bool:
    return bool(_FOREIGN.search(folded))


def mentions_province(folded: str) -> bool:
    return bool(_PROVINCE.search(folded))


def mentions_ministry(folded: str) -> bool:
    return bool(_MINISTRY.search(folded))


def is_commune_level(procedure: Procedure) -> bool:
    return Level.XA in procedure.levels


def is_ministry_only(procedure: Procedure) -> bool:
    return bool(procedure.levels) and all(level in (Level.BO, Level.KHAC) for level in procedure.levels)


# Operations that end or undo something, or redo it ("đăng ký lại" a lost civil-status record): a citizen rarely
# means them unless the question says so.
REDO = "dang ky lai"
UNDOING_WORDS = (
    "dung thuc hien",
    "cham dut",
    "thu hoi",
    "huy bo",
    "giai the",
    "tam ngung",
    "xoa",
    "dinh chi",
    REDO,
)
_UNDOING = re.compile(r"\b(" + "|".join(UNDOING_WORDS) + r")\b")
# How a question asks for the redo ("làm lại giấy khai sinh", "đăng kí lại").
_REDO_ASKED = re.compile(r"\b(dang ky lai|dang ki lai|lam lai|khai lai|re register\w*|reregist\w*|register\w* again)\b")
_REDO_NAME = re.compile(r"^(thu tuc )?dang ky lai\b")


def undoing_words(folded: str) -> set[str]:
    """The undoing operations named in a folded question."""
    words = set(_UNDOING.findall(folded))
    if _REDO_ASKED.search(folded):
        words.add(REDO)
    return words


def name_undoing_words(folded_name: str) -> set[str]:
    """The undoing operations a folded procedure name carries; a redo only when the name starts with it (not
    "Đăng ký, đăng ký lại, điều chỉnh…", which is the plain procedure too)."""
    words = set(_UNDOING.findall(folded_name)) - {REDO}
    if _REDO_NAME.match(folded_name):
        words.add(REDO)
    return words
