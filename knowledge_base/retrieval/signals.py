"""Query-side signals that steer which sibling variant of a procedure fits (foreign element, level asked)."""

from __future__ import annotations

import re

from knowledge_base.schema import Level, Procedure

# Matched on folded text (no tone marks), as whole words.
_FOREIGN = re.compile(
    r"\b(nuoc ngoai|ngoai quoc|viet kieu|quoc tich khac|quoc tich nuoc|nguoi han|han quoc|trung quoc|"
    r"dai loan|nhat ban|nguoi nhat|nguoi my|nuoc my|hoa ky|nguoi uc|nguoi phap|nguoi duc|nguoi nga|"
    r"campuchia|thai lan|foreign\w*|overseas|expat\w*|abroad|korean|chinese|japanese|american|"
    r"australian|french|german|british|taiwanese|canadian|russian|indian|singaporean|malaysian|filipino|"
    r"indonesian|italian|spanish|dutch|swiss|swedish|norwegian|danish|laotian|cambodian|i am not vietnamese|"
    r"non-vietnamese)\b"
    # "thai" folds "thái" too (thai sản, mang thai, Thái Bình, người Thái): only the English nationality counts.
    r"|\bthai (national|citizen|passport|wife|husband|man|woman|girlfriend|boyfriend|people|person|partner)\b"
    r"|\b(i am|i m|is|am a|is a) thai\b"
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
    "tra lai",
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


# Sibling variants that differ by the operation in their name ("Cấp lại thẻ căn cước" next to "Cấp thẻ căn cước"):
# (operation, how a name carries it, how a question asks for it), all on folded text. A name carries an operation
# when it starts with it ("Cấp lại, đổi… thẻ BHYT"), except "lưu động", which ends the name. Damage asks both for a
# new copy and for an exchange, since the catalogue files a worn-out paper under either.
_DAMAGED = r"bi hong|hu hong|hu hai|bi rach|rach nat|rach|nhau nat|bi o|mo chu|damaged|torn|worn"
_LOST = (
    r"(bi|lam|danh|da|lo|bi danh) mat|mat (the|so|giay|ho chieu|can cuoc|cccd|cmnd|bang|vi|tui|het)|"
    r"that lac|bi trom|bi cuop|moc tui|chay mat|lost|stolen|lose"
)
VARIANT_OPERATIONS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "reissue",
        re.compile(r"^(thu tuc )?cap lai\b"),
        re.compile(rf"\b(cap lai|lam lai|xin lai|{_LOST}|{_DAMAGED}|reissu\w*|replace\w*|replacement|new copy)\b"),
    ),
    (
        "exchange",
        re.compile(r"^(thu tuc )?(cap doi|doi)\b"),
        re.compile(
            rf"\b(cap doi|(muon|xin|can|di|phai) doi(?! (ten|ho|chu|dan))|"
            rf"doi (sang|the|so|giay|bang|lai|moi|tu|bien|ho chieu|cccd|can cuoc)|"
            rf"het han|{_DAMAGED}|exchang\w*|renew\w*|expir\w*)\b"
        ),
    ),
    (
        "extend",
        re.compile(r"^(thu tuc )?gia han\b"),
        re.compile(r"\b(gia han|het han|sap het han|extend\w*|extension|renew\w*|expir\w*)\b"),
    ),
    (
        "amend",
        re.compile(r"^(thu tuc )?(dieu chinh|sua doi|thay doi|bo sung)\b"),
        re.compile(
            r"\b(dieu chinh|sua|sua doi|sua lai|thay doi|bo sung|cai chinh|ghi sai|bi sai|sai ten|sai ngay|nham|"
            r"doi ten|doi ho|doi chu ho|doi dan toc|"
            r"chuyen sang|chang\w*|correct\w*|amend\w*|updat\w*|wrong)\b"
        ),
    ),
    (
        "mobile",
        re.compile(r"\bluu dong\b"),
        re.compile(
            r"\b(luu dong|den tan|tan nha|tan noi|tan ban|nam mot cho|liet giuong|khong di lai duoc|di lai kho khan|"
            r"come to (my|our) (home|house)|bedridden)\b"
        ),
    ),
)
VARIANT_NAMES = tuple(name for name, _, _ in VARIANT_OPERATIONS)


def name_variant_operations(folded_name: str) -> set[str]:
    """The sibling-variant operations a folded procedure name carries (see :data:`VARIANT_OPERATIONS`)."""
    return {name for name, in_name, _ in VARIANT_OPERATIONS if in_name.search(folded_name)}


def asked_variant_operations(folded: str) -> set[str]:
    """The sibling-variant operations a folded question asks for."""
    return {name for name, _, asked in VARIANT_OPERATIONS if asked.search(folded)}


# Where the applicant is: "Thôi quốc tịch Việt Nam ở nước ngoài" / "… ở trong nước" are filed abroad (at an embassy)
# or at home. A question places the applicant abroad only when it says they live or work there.
_COUNTRIES_VI = (
    r"nuoc ngoai|my|hoa ky|nhat|nhat ban|han quoc|uc|duc|phap|anh|canada|dai loan|trung quoc|singapore|thai lan|"
    r"nga|sec|ba lan|y|malaysia|campuchia|lao|chau au|new zealand"
)
_COUNTRIES_EN = (
    r"germany|france|japan|korea|south korea|the us|the usa|usa|the united states|united states|america|california|"
    r"texas|australia|the uk|uk|united kingdom|england|britain|canada|taiwan|china|singapore|thailand|russia|italy|"
    r"spain|the netherlands|netherlands|poland|czechia|the czech republic|sweden|norway|denmark|belgium|switzerland|"
    r"new zealand|malaysia|cambodia|laos|the philippines|philippines|indonesia|india|brazil|tokyo|seoul|osaka|paris|"
    r"berlin|london|sydney|melbourne|toronto|taipei|europe"
)
_ABROAD = re.compile(
    rf"\b((dang o|dinh cu o|dinh cu tai|dinh cu ben|song o|song tai|song ben|lam viec o|lam viec tai|lam viec ben|"
    rf"cu tru o|cu tru tai|sinh song o|sinh song tai|hoc tap o|hoc tap tai|du hoc o|du hoc tai|xuat khau lao dong o|"
    rf"xkld o|xkld ben) ({_COUNTRIES_VI})|o nuoc ngoai|tai nuoc ngoai|dai su quan|lanh su quan|"
    rf"(live|lives|living|reside|resides|residing|resident|settled|based|work|works|working|study|studying) "
    rf"in ({_COUNTRIES_EN})|abroad|embassy|consulate)\b"
)
_ABROAD_NAME = re.compile(r"\bo nuoc ngoai\b")
_DOMESTIC_NAME = re.compile(r"\bo trong nuoc\b")


def applicant_abroad(folded: str) -> bool:
    """The question says the applicant lives, works or studies abroad, or files at an embassy."""
    return bool(_ABROAD.search(folded))


def name_place(folded_name: str) -> str:
    """ "abroad" or "domestic" for a name filed by place (… ở nước ngoài / … ở trong nước), else ""."""
    if _ABROAD_NAME.search(folded_name):
        return "abroad"
    return "domestic" if _DOMESTIC_NAME.search(folded_name) else ""
