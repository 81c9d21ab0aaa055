"""Typed descriptions of the official application forms (tờ khai) the assistant can pre-fill.

Legal sources of the layouts and fields:

* Hộ tịch forms (``khai_sinh``, ``ket_hon``, ``khai_tu``, ``xac_nhan_hon_nhan``): the model declarations annexed to
  Thông tư 04/2020/TT-BTP ngày 28/5/2020 của Bộ trưởng Bộ Tư pháp (quy định chi tiết thi hành Luật Hộ tịch và
  Nghị định 123/2015/NĐ-CP), as amended by Thông tư 03/2023/TT-BTP (which replaced the household-book references by
  the personal identification number / identity papers).
* ``ct01``: Mẫu CT01 "Tờ khai thay đổi thông tin cư trú" annexed to Thông tư 66/2023/TT-BCA ngày 17/11/2023 của Bộ
  trưởng Bộ Công an (sửa đổi Thông tư 56/2021/TT-BCA quy định về biểu mẫu trong đăng ký, quản lý cư trú).

The hộ tịch forms carry no printed code of their own; ``template_code`` for them ("TK-KS", "TK-KH", ...) is this
project's short identifier, printed in the corner next to the legal basis. "CT01" is the official code.

``prefill_from`` paths name where identity data (VNeID / national population database) fills a field:
``<person>.<attribute>``. Persons: ``applicant`` (the citizen using the assistant), ``father``, ``mother``,
``bride``, ``groom`` (the caller maps the applicant and the partner by gender), ``deceased``, ``subject`` (the person
a marital-status certificate is for; usually the applicant) and ``household_head``. Attributes are listed in
``PREFILL_ATTRIBUTES``. ``None`` means the citizen has to answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

FieldKind = Literal["name", "date", "id_number", "address", "text", "choice", "number", "datetime", "phone", "email"]
FIELD_KINDS: frozenset[str] = frozenset(
    ("name", "date", "id_number", "address", "text", "choice", "number", "datetime", "phone", "email")
)
Layout = Literal["lines", "two_columns"]

PREFILL_PERSONS: frozenset[str] = frozenset(
    ("applicant", "father", "mother", "bride", "groom", "deceased", "subject", "household_head")
)
PREFILL_ATTRIBUTES: frozenset[str] = frozenset(
    (
        "full_name",
        "date_of_birth",
        "gender",
        "ethnicity",
        "nationality",
        "id_number",
        "permanent_address",
        "current_address",
        "hometown",
        "phone",
        "email",
        "relation_to_household_head",
    )
)

GENDERS = ("Nam", "Nữ")
MARITAL_STATUSES = ("Chưa đăng ký kết hôn", "Đang có vợ/chồng", "Đã ly hôn", "Vợ/chồng đã chết")


@dataclass(frozen=True)
class FormField:
    key: str
    label_vi: str
    label_en: str
    kind: FieldKind
    section: str
    required: bool = True
    choices: tuple[str, ...] = ()
    prefill_from: str | None = None
    min_value: int | None = None
    max_value: int | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title_vi: str
    title_en: str


@dataclass(frozen=True)
class FormTable:
    """A repeated-rows table (CT01's household members). Values: a list of dicts keyed by column keys."""

    key: str
    label_vi: str
    label_en: str
    columns: tuple[FormField, ...]
    min_rows_printed: int = 4
    max_rows: int = 15


@dataclass(frozen=True)
class FormTemplate:
    key: str
    title_vi: str
    title_en: str
    template_code: str
    corner_text: str
    legal_source: str
    procedure_code: str
    sections: tuple[Section, ...]
    fields: tuple[FormField, ...]
    layout: Layout = "lines"
    tables: tuple[FormTable, ...] = ()
    related_procedure_codes: tuple[str, ...] = ()
    pledge_vi: str = ""
    signers: tuple[str, ...] = ("Người yêu cầu",)
    signer_name_keys: tuple[str | None, ...] = ("nyc_ho_ten",)

    def field(self, key: str) -> FormField:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.key}: no field {key!r}")

    def section_fields(self, section: str) -> tuple[FormField, ...]:
        return tuple(f for f in self.fields if f.section == section)

    def table(self, key: str) -> FormTable:
        for t in self.tables:
            if t.key == key:
                return t
        raise KeyError(f"{self.key}: no table {key!r}")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields) + tuple(t.key for t in self.tables)


def _f(
    key: str,
    label_vi: str,
    label_en: str,
    kind: FieldKind,
    section: str,
    *,
    required: bool = True,
    choices: tuple[str, ...] = (),
    prefill: str | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
) -> FormField:
    return FormField(key, label_vi, label_en, kind, section, required, choices, prefill, min_value, max_value)


def _kinh_gui() -> FormField:
    return _f("kinh_gui", "Kính gửi", "To (registration authority)", "text", "header")


def _lam_tai() -> FormField:
    return _f("lam_tai", "Làm tại", "Signed at (place)", "text", "ky_ten", required=False)


def _requester(relation_label_vi: str, relation_label_en: str) -> tuple[FormField, ...]:
    s = "nguoi_yeu_cau"
    return (
        _f(
            "nyc_ho_ten",
            "Họ, chữ đệm, tên người yêu cầu",
            "Requester's full name",
            "name",
            s,
            prefill="applicant.full_name",
        ),
        _f(
            "nyc_ngay_sinh",
            "Ngày, tháng, năm sinh",
            "Requester's date of birth",
            "date",
            s,
            prefill="applicant.date_of_birth",
        ),
        _f(
            "nyc_giay_to",
            "Giấy tờ tùy thân (số định danh cá nhân)",
            "Requester's identity number",
            "id_number",
            s,
            prefill="applicant.id_number",
        ),
        _f(
            "nyc_noi_cu_tru",
            "Nơi cư trú",
            "Requester's place of residence",
            "address",
            s,
            prefill="applicant.permanent_address",
        ),
        _f("nyc_quan_he", relation_label_vi, relation_label_en, "text", s),
    )


def _copies(label_en: str = "Number of certified copies requested") -> FormField:
    return _f(
        "so_ban_sao",
        "Đề nghị cấp bản sao, số lượng (bản)",
        label_en,
        "number",
        "ban_sao",
        required=False,
        min_value=1,
        max_value=10,
    )


_HO_TICH_SOURCE = (
    "Thông tư 04/2020/TT-BTP ngày 28/5/2020 của Bộ trưởng Bộ Tư pháp, sửa đổi, bổ sung bởi Thông tư 03/2023/TT-BTP"
)
_HO_TICH_CORNER = "Ban hành kèm theo Thông tư số 04/2020/TT-BTP của Bộ trưởng Bộ Tư pháp (sửa đổi năm 2023)"
_PLEDGE_HO_TICH = (
    "Tôi cam đoan nội dung đề nghị {what} trên đây là đúng sự thật, được sự thỏa thuận nhất trí của các bên liên "
    "quan theo quy định pháp luật. Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình."
)


def _khai_sinh() -> FormTemplate:
    c, fa, mo = "nguoi_duoc_khai_sinh", "cha", "me"
    fields = (
        _kinh_gui(),
        *_requester("Quan hệ với người được khai sinh", "Relationship to the child"),
        _f("ks_ho_ten", "Họ, chữ đệm, tên", "Child's full name", "name", c),
        _f("ks_ngay_sinh", "Ngày, tháng, năm sinh", "Child's date of birth", "date", c),
        _f("ks_ngay_sinh_bang_chu", "Ghi bằng chữ", "Date of birth in words", "text", c, required=False),
        _f("ks_noi_sinh", "Nơi sinh", "Place of birth", "address", c),
        _f("ks_gioi_tinh", "Giới tính", "Sex", "choice", c, choices=GENDERS),
        _f("ks_dan_toc", "Dân tộc", "Ethnicity", "text", c),
        _f("ks_quoc_tich", "Quốc tịch", "Nationality", "text", c),
        _f("ks_que_quan", "Quê quán", "Hometown (place of origin)", "address", c),
        _f(
            "cha_ho_ten",
            "Họ, chữ đệm, tên người cha",
            "Father's full name",
            "name",
            fa,
            required=False,
            prefill="father.full_name",
        ),
        _f(
            "cha_nam_sinh",
            "Năm sinh",
            "Father's year of birth",
            "number",
            fa,
            required=False,
            prefill="father.date_of_birth",
            min_value=1900,
            max_value=2100,
        ),
        _f("cha_dan_toc", "Dân tộc", "Father's ethnicity", "text", fa, required=False, prefill="father.ethnicity"),
        _f(
            "cha_quoc_tich",
            "Quốc tịch",
            "Father's nationality",
            "text",
            fa,
            required=False,
            prefill="father.nationality",
        ),
        _f(
            "cha_noi_cu_tru",
            "Nơi cư trú",
            "Father's place of residence",
            "address",
            fa,
            required=False,
            prefill="father.permanent_address",
        ),
        _f("me_ho_ten", "Họ, chữ đệm, tên người mẹ", "Mother's full name", "name", mo, prefill="mother.full_name"),
        _f(
            "me_nam_sinh",
            "Năm sinh",
            "Mother's year of birth",
            "number",
            mo,
            prefill="mother.date_of_birth",
            min_value=1900,
            max_value=2100,
        ),
        _f("me_dan_toc", "Dân tộc", "Mother's ethnicity", "text", mo, prefill="mother.ethnicity"),
        _f("me_quoc_tich", "Quốc tịch", "Mother's nationality", "text", mo, prefill="mother.nationality"),
        _f(
            "me_noi_cu_tru",
            "Nơi cư trú",
            "Mother's place of residence",
            "address",
            mo,
            prefill="mother.permanent_address",
        ),
        _copies(),
        _lam_tai(),
    )
    return FormTemplate(
        key="khai_sinh",
        title_vi="TỜ KHAI ĐĂNG KÝ KHAI SINH",
        title_en="Birth registration declaration",
        template_code="TK-KS",
        corner_text=_HO_TICH_CORNER,
        legal_source=_HO_TICH_SOURCE,
        procedure_code="1.001193",
        sections=(
            Section("header", "", "Addressee"),
            Section("nguoi_yeu_cau", "", "Requester"),
            Section(c, "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", "Child to register"),
            Section(fa, "", "Father"),
            Section(mo, "", "Mother"),
            Section("ban_sao", "", "Copies"),
            Section("ky_ten", "", "Signature"),
        ),
        fields=fields,
        pledge_vi=_PLEDGE_HO_TICH.format(what="đăng ký khai sinh"),
    )


def _ket_hon() -> FormTemplate:
    def side(prefix: str, person: str, section: str, who_en: str) -> tuple[FormField, ...]:
        return (
            _f(
                f"{prefix}_ho_ten",
                "Họ, chữ đệm, tên",
                f"{who_en}: full name",
                "name",
                section,
                prefill=f"{person}.full_name",
            ),
            _f(
                f"{prefix}_ngay_sinh",
                "Ngày, tháng, năm sinh",
                f"{who_en}: date of birth",
                "date",
                section,
                prefill=f"{person}.date_of_birth",
            ),
            _f(f"{prefix}_dan_toc", "Dân tộc", f"{who_en}: ethnicity", "text", section, prefill=f"{person}.ethnicity"),
            _f(
                f"{prefix}_quoc_tich",
                "Quốc tịch",
                f"{who_en}: nationality",
                "text",
                section,
                prefill=f"{person}.nationality",
            ),
            _f(
                f"{prefix}_noi_cu_tru",
                "Nơi cư trú",
                f"{who_en}: place of residence",
                "address",
                section,
                prefill=f"{person}.permanent_address",
            ),
            _f(
                f"{prefix}_giay_to",
                "Giấy tờ tùy thân (số định danh cá nhân)",
                f"{who_en}: identity number",
                "id_number",
                section,
                prefill=f"{person}.id_number",
            ),
            _f(
                f"{prefix}_lan_ket_hon",
                "Kết hôn lần thứ mấy",
                f"{who_en}: which marriage (1st, 2nd…)",
                "number",
                section,
                min_value=1,
                max_value=10,
            ),
        )

    return FormTemplate(
        key="ket_hon",
        title_vi="TỜ KHAI ĐĂNG KÝ KẾT HÔN",
        title_en="Marriage registration declaration",
        template_code="TK-KH",
        corner_text=_HO_TICH_CORNER,
        legal_source=_HO_TICH_SOURCE,
        procedure_code="1.000894",
        sections=(
            Section("header", "", "Addressee"),
            Section("ben_nu", "Bên nữ", "Bride"),
            Section("ben_nam", "Bên nam", "Groom"),
            Section("ban_sao", "", "Copies"),
            Section("ky_ten", "", "Signature"),
        ),
        fields=(
            _kinh_gui(),
            *side("nu", "bride", "ben_nu", "Bride"),
            *side("nam", "groom", "ben_nam", "Groom"),
            _copies("Number of marriage certificate copies requested"),
            _lam_tai(),
        ),
        layout="two_columns",
        pledge_vi=(
            "Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự nguyện, "
            "không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam. Chúng tôi chịu hoàn toàn trách nhiệm "
            "trước pháp luật về nội dung cam đoan của mình."
        ),
        signers=("Bên nữ", "Bên nam"),
        signer_name_keys=("nu_ho_ten", "nam_ho_ten"),
    )


def _khai_tu() -> FormTemplate:
    d, b = "nguoi_da_chet", "giay_bao_tu"
    return FormTemplate(
        key="khai_tu",
        title_vi="TỜ KHAI ĐĂNG KÝ KHAI TỬ",
        title_en="Death registration declaration",
        template_code="TK-KT",
        corner_text=_HO_TICH_CORNER,
        legal_source=_HO_TICH_SOURCE,
        procedure_code="1.000656",
        sections=(
            Section("header", "", "Addressee"),
            Section("nguoi_yeu_cau", "", "Requester"),
            Section(d, "Đề nghị cơ quan đăng ký khai tử cho người có tên dưới đây:", "Deceased"),
            Section(b, "", "Death notice"),
            Section("ban_sao", "", "Copies"),
            Section("ky_ten", "", "Signature"),
        ),
        fields=(
            _kinh_gui(),
            *_requester("Quan hệ với người đã chết", "Relationship to the deceased"),
            _f("kt_ho_ten", "Họ, chữ đệm, tên", "Deceased's full name", "name", d, prefill="deceased.full_name"),
            _f(
                "kt_ngay_sinh",
                "Ngày, tháng, năm sinh",
                "Deceased's date of birth",
                "date",
                d,
                prefill="deceased.date_of_birth",
            ),
            _f("kt_gioi_tinh", "Giới tính", "Sex", "choice", d, choices=GENDERS, prefill="deceased.gender"),
            _f("kt_dan_toc", "Dân tộc", "Ethnicity", "text", d, prefill="deceased.ethnicity"),
            _f("kt_quoc_tich", "Quốc tịch", "Nationality", "text", d, prefill="deceased.nationality"),
            _f(
                "kt_noi_cu_tru",
                "Nơi cư trú cuối cùng",
                "Last place of residence",
                "address",
                d,
                prefill="deceased.permanent_address",
            ),
            _f(
                "kt_giay_to",
                "Giấy tờ tùy thân (số định danh cá nhân)",
                "Deceased's identity number",
                "id_number",
                d,
                required=False,
                prefill="deceased.id_number",
            ),
            _f("kt_thoi_gian_chet", "Đã chết vào lúc", "Time of death (hour, minute, date)", "datetime", d),
            _f("kt_noi_chet", "Nơi chết", "Place of death", "address", d),
            _f("kt_nguyen_nhan", "Nguyên nhân chết", "Cause of death", "text", d),
            _f("gbt_so", "Số Giấy báo tử/giấy tờ thay thế Giấy báo tử", "Death notice number", "text", b),
            _f("gbt_ngay_cap", "Ngày cấp", "Death notice date of issue", "date", b),
            _f("gbt_co_quan", "Cơ quan cấp", "Death notice issued by", "text", b),
            _copies("Number of death certificate copies requested"),
            _lam_tai(),
        ),
        pledge_vi=_PLEDGE_HO_TICH.format(what="đăng ký khai tử"),
    )


def _xac_nhan_hon_nhan() -> FormTemplate:
    s = "nguoi_duoc_cap"
    return FormTemplate(
        key="xac_nhan_hon_nhan",
        title_vi="TỜ KHAI CẤP GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN",
        title_en="Declaration for a certificate of marital status",
        template_code="TK-XNTTHN",
        corner_text=_HO_TICH_CORNER,
        legal_source=_HO_TICH_SOURCE,
        procedure_code="1.004873",
        sections=(
            Section("header", "", "Addressee"),
            Section("nguoi_yeu_cau", "", "Requester"),
            Section(s, "Đề nghị cấp Giấy xác nhận tình trạng hôn nhân cho người có tên dưới đây:", "Certificate for"),
            Section("ban_sao", "", "Copies"),
            Section("ky_ten", "", "Signature"),
        ),
        fields=(
            _kinh_gui(),
            *_requester("Quan hệ với người được cấp Giấy xác nhận", "Relationship to the person certified"),
            _f("xn_ho_ten", "Họ, chữ đệm, tên", "Full name", "name", s, prefill="subject.full_name"),
            _f("xn_ngay_sinh", "Ngày, tháng, năm sinh", "Date of birth", "date", s, prefill="subject.date_of_birth"),
            _f("xn_gioi_tinh", "Giới tính", "Sex", "choice", s, choices=GENDERS, prefill="subject.gender"),
            _f("xn_dan_toc", "Dân tộc", "Ethnicity", "text", s, prefill="subject.ethnicity"),
            _f("xn_quoc_tich", "Quốc tịch", "Nationality", "text", s, prefill="subject.nationality"),
            _f(
                "xn_giay_to",
                "Giấy tờ tùy thân (số định danh cá nhân)",
                "Identity number",
                "id_number",
                s,
                prefill="subject.id_number",
            ),
            _f("xn_noi_cu_tru", "Nơi cư trú", "Place of residence", "address", s, prefill="subject.permanent_address"),
            _f(
                "xn_noi_cu_tru_truoc",
                "Trong thời gian cư trú tại",
                "Earlier place of residence (if needed)",
                "address",
                s,
                required=False,
            ),
            _f("xn_cu_tru_tu_ngay", "Từ ngày", "Resided there from", "date", s, required=False),
            _f("xn_cu_tru_den_ngay", "Đến ngày", "Resided there until", "date", s, required=False),
            _f("xn_tinh_trang", "Tình trạng hôn nhân", "Marital status", "choice", s, choices=MARITAL_STATUSES),
            _f(
                "xn_tinh_trang_chi_tiet",
                "Ghi chú về tình trạng hôn nhân",
                "Details (spouse, divorce decision…)",
                "text",
                s,
                required=False,
            ),
            _f(
                "xn_muc_dich",
                "Mục đích sử dụng Giấy xác nhận tình trạng hôn nhân",
                "Purpose of the certificate",
                "text",
                s,
            ),
            _f(
                "so_ban_sao",
                "Số lượng Giấy xác nhận đề nghị cấp (bản)",
                "Number of certificates requested",
                "number",
                "ban_sao",
                required=False,
                min_value=1,
                max_value=10,
            ),
            _lam_tai(),
        ),
        pledge_vi=_PLEDGE_HO_TICH.format(what="cấp Giấy xác nhận tình trạng hôn nhân"),
    )


def _ct01() -> FormTemplate:
    s, h, r = "nguoi_ke_khai", "chu_ho", "de_nghi"
    member_cols = (
        _f("ho_ten", "Họ, chữ đệm và tên", "Full name", "name", "thanh_vien"),
        _f("ngay_sinh", "Ngày, tháng, năm sinh", "Date of birth", "date", "thanh_vien"),
        _f("gioi_tinh", "Giới tính", "Sex", "choice", "thanh_vien", choices=GENDERS),
        _f("so_dinh_danh", "Số định danh cá nhân", "Personal identification number", "id_number", "thanh_vien"),
        _f("quan_he_chu_ho", "Mối quan hệ với chủ hộ", "Relationship to household head", "text", "thanh_vien"),
    )
    return FormTemplate(
        key="ct01",
        title_vi="TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
        title_en="Declaration of change of residence information (form CT01)",
        template_code="CT01",
        corner_text="Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA ngày 17/11/2023 của Bộ trưởng Bộ Công an",
        legal_source="Thông tư 66/2023/TT-BCA ngày 17/11/2023 của Bộ trưởng Bộ Công an (Mẫu CT01)",
        procedure_code="1.004222",
        related_procedure_codes=("1.004194", "1.010039", "1.003197", "1.010028", "1.002755"),
        sections=(
            Section("header", "", "Addressee"),
            Section(s, "", "Declarant"),
            Section(h, "", "Household head"),
            Section(r, "", "Request"),
            Section("ky_ten", "", "Signature"),
        ),
        fields=(
            _kinh_gui(),
            _f("ho_ten", "Họ, chữ đệm và tên", "Full name", "name", s, prefill="applicant.full_name"),
            _f("ngay_sinh", "Ngày, tháng, năm sinh", "Date of birth", "date", s, prefill="applicant.date_of_birth"),
            _f("gioi_tinh", "Giới tính", "Sex", "choice", s, choices=GENDERS, prefill="applicant.gender"),
            _f(
                "so_dinh_danh",
                "Số định danh cá nhân",
                "Personal identification number",
                "id_number",
                s,
                prefill="applicant.id_number",
            ),
            _f("so_dien_thoai", "Số điện thoại liên hệ", "Contact phone number", "phone", s, prefill="applicant.phone"),
            _f("email", "Email", "Email", "email", s, required=False, prefill="applicant.email"),
            _f(
                "chu_ho_ho_ten",
                "Họ, chữ đệm và tên chủ hộ",
                "Household head's full name",
                "name",
                h,
                prefill="household_head.full_name",
            ),
            _f(
                "quan_he_chu_ho",
                "Mối quan hệ với chủ hộ",
                "Relationship to the household head",
                "text",
                h,
                prefill="applicant.relation_to_household_head",
            ),
            _f(
                "chu_ho_so_dinh_danh",
                "Số định danh cá nhân của chủ hộ",
                "Household head's identification number",
                "id_number",
                h,
                prefill="household_head.id_number",
            ),
            _f("noi_dung_de_nghi", "Nội dung đề nghị", "What is requested (e.g. đăng ký thường trú tại …)", "text", r),
            _lam_tai(),
        ),
        tables=(
            FormTable(
                key="thanh_vien",
                label_vi="Những thành viên trong hộ gia đình cùng thay đổi",
                label_en="Household members changing with the declarant",
                columns=member_cols,
            ),
        ),
        signers=(
            "Ý kiến của chủ hộ",
            "Ý kiến của chủ sở hữu hoặc người đồng sở hữu chỗ ở hợp pháp",
            "Ý kiến của cha, mẹ hoặc người giám hộ",
            "Người kê khai",
        ),
        signer_name_keys=("chu_ho_ho_ten", None, None, "ho_ten"),
    )


FORM_TEMPLATES: dict[str, FormTemplate] = {
    t.key: t for t in (_khai_sinh(), _ket_hon(), _khai_tu(), _ct01(), _xac_nhan_hon_nhan())
}


def get_template(form_key: str) -> FormTemplate:
    try:
        return FORM_TEMPLATES[form_key]
    except KeyError:
        raise KeyError(f"unknown form {form_key!r}; known: {', '.join(FORM_TEMPLATES)}") from None


def resolve_prefill(form_key: str, identity: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Values that identity data provides: ``identity`` is ``{person: {attribute: value}}``.

    A ``date_of_birth`` feeding a year-of-birth field (``number``) is reduced to its year.
    """
    out: dict[str, Any] = {}
    for f in get_template(form_key).fields:
        if not f.prefill_from:
            continue
        person, attr = f.prefill_from.split(".", 1)
        value = (identity.get(person) or {}).get(attr)
        if value in (None, ""):
            continue
        if f.kind == "number" and attr == "date_of_birth":
            value = _year_of(value)
            if value is None:
                continue
        out[f.key] = value
    return out


def missing_fields(form_key: str, values: Mapping[str, Any]) -> list[FormField]:
    """Required fields still without a value: what the assistant has to ask."""
    return [f for f in get_template(form_key).fields if f.required and values.get(f.key) in (None, "", [])]


def _year_of(value: Any) -> int | None:
    year = getattr(value, "year", None)
    if isinstance(year, int):
        return year
    text = str(value).strip()
    for part in (text[-4:], text[:4]):
        if part.isdigit():
            return int(part)
    return None
