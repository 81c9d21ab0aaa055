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


# Operations that end or undo something: a citizen rarely means them unless the question says so.
UNDOING_WORDS = ("dung thuc hien", "cham dut", "thu hoi", "huy bo", "giai the", "tam ngung", "xoa", "dinh chi")
_UNDOING = re.compile(r"\b(" + "|".join(UNDOING_WORDS) + r")\b")


def undoing_words(folded: str) -> set[str]:
    """The undoing operations named in a folded text."""
    return set(_UNDOING.findall(folded))
