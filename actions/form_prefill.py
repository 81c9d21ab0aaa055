"""What the state already knows for a form: identity data, relatives and birth notices turned into field values.

Pure functions over :class:`~backends.identity.model.Citizen` records, so the planning is tested without Rasa.
The rules follow the hộ tịch and cư trú practice the forms are for:

* khai sinh — the applicant is a parent; the other parent is the spouse on record (or the parent named on the birth
  notice). The newborn's name, date and place of birth and sex come from the hospital's birth notice (giấy chứng
  sinh) when one is on record; the child's ethnicity and nationality are the parents' when they agree, and the
  hometown is the father's (the parents may agree on the mother's: the summary lets them change it).
* kết hôn — the applicant's side is filled (bride or groom by sex); the partner's side is asked.
* khai tử — the requester is the applicant; the deceased is the spouse on record when there is one.
* xác nhận tình trạng hôn nhân — the certificate is for the applicant; the status comes from the population record.
* CT01 — the applicant; a household head is asked, or is the applicant when they answer "Chủ hộ".

Addressee ("Kính gửi") is the People's Committee of the commune of the applicant's permanent residence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from backends.identity.model import Citizen
from forms.templates import FormField, get_template, missing_fields, resolve_prefill

FORM_KINDS: tuple[str, ...] = ("khai_sinh", "ket_hon", "khai_tu", "ct01", "xac_nhan_hon_nhan")
HOUSEHOLD_HEAD = "Chủ hộ"
# Fields asked before the others because their answer fills more fields (CT01: "Chủ hộ" fills the head's data).
ASK_FIRST: dict[str, tuple[str, ...]] = {"ct01": ("quan_he_chu_ho",)}
MARITAL_TO_FORM = {
    "chưa kết hôn": "Chưa đăng ký kết hôn",
    "đã kết hôn": "Đang có vợ/chồng",
    "đã ly hôn": "Đã ly hôn",
    "góa": "Vợ/chồng đã chết",
}


class BirthNoticeLike(Protocol):
    """The attributes of a birth notice (giấy chứng sinh) this module reads."""

    mother_id: str
    father_id: str | None
    child_name: str
    date_of_birth: date
    sex: str
    place_of_birth: str


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def gender_of(sex: str) -> str:
    return "Nữ" if sex == "nữ" else "Nam"


def person_attributes(citizen: Citizen) -> dict[str, Any]:
    """The ``PREFILL_ATTRIBUTES`` of a citizen, written as the validators normalise answers (dates dd/mm/yyyy)."""
    current = citizen.current_address or citizen.permanent_address
    return {
        "full_name": citizen.full_name,
        "date_of_birth": day(citizen.date_of_birth),
        "gender": gender_of(citizen.sex),
        "ethnicity": citizen.ethnicity,
        "nationality": citizen.nationality,
        "id_number": citizen.id_number,
        "permanent_address": citizen.permanent_address.one_line(),
        "current_address": current.one_line(),
        "hometown": citizen.hometown,
        "phone": citizen.phone,
        "email": citizen.email,
    }


def _authority(form_key: str, citizen: Citizen) -> dict[str, str]:
    """Where the form is filed: the commune People's Committee (hộ tịch) or the commune police (cư trú, CT01)."""
    commune = citizen.permanent_address.commune.strip()
    if not commune:
        return {}
    office = "Công an" if form_key == "ct01" else "Ủy ban nhân dân"
    return {"kinh_gui": f"{office} {commune}", "lam_tai": commune}


def _same(*values: str | None) -> str | None:
    known = {v for v in values if v}
    return known.pop() if len(known) == 1 else None


def _birth_values(
    applicant: Citizen, relatives: Mapping[str, Citizen], notice: BirthNoticeLike | None
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    spouse = relatives.get("spouse")
    father, mother = (applicant, spouse) if applicant.sex == "nam" else (spouse, applicant)
    identity: dict[str, dict[str, Any]] = {"applicant": person_attributes(applicant)}
    if father is not None:
        identity["father"] = person_attributes(father)
    if mother is not None:
        identity["mother"] = person_attributes(mother)
    extra: dict[str, Any] = {"nyc_quan_he": "Cha" if applicant.sex == "nam" else "Mẹ"}
    if notice is not None:
        if notice.child_name:
            extra["ks_ho_ten"] = notice.child_name
        extra["ks_ngay_sinh"] = day(notice.date_of_birth)
        extra["ks_gioi_tinh"] = gender_of(notice.sex)
        if notice.place_of_birth:
            extra["ks_noi_sinh"] = notice.place_of_birth
    parents = [p for p in (father, mother) if p is not None]
    ethnicity = _same(*(p.ethnicity for p in parents))
    nationality = _same(*(p.nationality for p in parents))
    if ethnicity:
        extra["ks_dan_toc"] = ethnicity
    if nationality:
        extra["ks_quoc_tich"] = nationality
    hometown = (father.hometown if father is not None else "") or (mother.hometown if mother is not None else "")
    if hometown:
        extra["ks_que_quan"] = hometown
    return identity, extra


def plan_prefill(
    form_key: str,
    applicant: Citizen,
    relatives: Mapping[str, Citizen] | None = None,
    birth_notices: Sequence[BirthNoticeLike] = (),
) -> dict[str, Any]:
    """Every field value the records give for ``form_key`` (only what is known: nothing is guessed)."""
    relatives = relatives or {}
    me = person_attributes(applicant)
    identity: dict[str, dict[str, Any]] = {"applicant": me}
    extra: dict[str, Any] = {}
    if form_key == "khai_sinh":
        identity, extra = _birth_values(applicant, relatives, birth_notices[0] if birth_notices else None)
    elif form_key == "ket_hon":
        identity["groom" if applicant.sex == "nam" else "bride"] = me
        if applicant.marital_status == "chưa kết hôn":
            extra["nam_lan_ket_hon" if applicant.sex == "nam" else "nu_lan_ket_hon"] = 1
    elif form_key == "khai_tu":
        spouse = relatives.get("spouse")
        if spouse is not None:
            identity["deceased"] = person_attributes(spouse)
            extra["nyc_quan_he"] = "Vợ" if applicant.sex == "nữ" else "Chồng"
    elif form_key == "xac_nhan_hon_nhan":
        identity["subject"] = me
        extra["nyc_quan_he"] = "Bản thân"
        status = MARITAL_TO_FORM.get(applicant.marital_status)
        if status:
            extra["xn_tinh_trang"] = status
    elif form_key != "ct01":
        raise KeyError(f"unknown form {form_key!r}")
    values = resolve_prefill(form_key, identity)
    values.update(_authority(form_key, applicant))
    values.update(extra)
    known = set(get_template(form_key).keys)
    return {k: v for k, v in values.items() if k in known and v not in (None, "")}


def after_answer(form_key: str, key: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values that follow from the answer just given (CT01: the applicant is the household head)."""
    out = dict(values)
    if form_key == "ct01" and str(out.get("quan_he_chu_ho", "")).strip().lower() == "chủ hộ":
        out["quan_he_chu_ho"] = HOUSEHOLD_HEAD  # the declarant is the head: the head's name and number are theirs
        if out.get("ho_ten"):
            out.setdefault("chu_ho_ho_ten", out["ho_ten"])
        if out.get("so_dinh_danh"):
            out.setdefault("chu_ho_so_dinh_danh", out["so_dinh_danh"])
    return out


def next_field(form_key: str, values: Mapping[str, Any], redo: str | None = None) -> FormField | None:
    """The field to ask now: the one being corrected, then ``ASK_FIRST``, then the template's order."""
    template = get_template(form_key)
    if redo:
        try:
            return template.field(redo)
        except KeyError:
            pass
    missing = missing_fields(form_key, values)
    for key in ASK_FIRST.get(form_key, ()):
        for f in missing:
            if f.key == key:
                return f
    return missing[0] if missing else None
