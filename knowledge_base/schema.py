"""The normalized procedure catalogue: one `Procedure` per national procedure code.

These models are the contract between the ingest (which writes `knowledge_base/data/catalogue.jsonl`)
and everything that reads the catalogue (retrieval, answer composition, actions).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

CODE_PATTERN = r"^\d\.\d{6}$"


class Level(StrEnum):
    """Administrative level at which a procedure is performed."""

    XA = "xa"  # Cấp xã (commune / ward)
    HUYEN = "huyen"  # Cấp huyện (abolished in 2025 but still named by some entries)
    TINH = "tinh"  # Cấp tỉnh (province)
    BO = "bo"  # Cấp bộ / trung ương (ministry)
    KHAC = "khac"  # other (cơ quan khác, toà án, …)


class ChannelKind(StrEnum):
    ONLINE = "online"  # Trực tuyến
    IN_PERSON = "in_person"  # Trực tiếp
    POSTAL = "postal"  # Dịch vụ bưu chính


class TimeUnit(StrEnum):
    WORKING_DAY = "working_day"  # Ngày làm việc
    DAY = "day"  # Ngày / ngày (lịch)
    HOUR = "hour"  # Giờ
    MONTH = "month"  # Tháng
    YEAR = "year"  # Năm
    WEEK = "week"
    UNKNOWN = "unknown"  # the source gives a number without a unit


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class ProcessingTime(_Model):
    value: float | None = None  # None when the source only has text
    unit: TimeUnit = TimeUnit.UNKNOWN
    text: str = ""  # the source wording, e.g. "7 Ngày làm việc"


class Fee(_Model):
    text: str = ""  # the source wording, e.g. "10,000 Việt Nam Đồng (Lệ phí …)"
    amount_vnd: int | None = None  # the first amount stated, in VND; 0 for "Miễn phí"; None if not stated
    free: bool = False


class SubmissionChannel(_Model):
    kind: ChannelKind
    time: ProcessingTime = Field(default_factory=ProcessingTime)
    fee: Fee = Field(default_factory=Fee)
    description: str = ""


class RequiredDocument(_Model):
    name: str
    copies: str = ""  # e.g. "1 bản chính", "1 bản sao", "Bản chính: 1 - Bản sao: 0"
    original: int | None = None  # number of originals, when stated
    copy_count: int | None = None  # number of copies, when stated
    form_template: str = ""  # tờ khai / mẫu đơn name or file, when given
    group: str = ""  # e.g. "Giấy tờ phải nộp", "Giấy tờ phải xuất trình"


class LegalBasis(_Model):
    title: str
    number: str = ""  # e.g. "123/2015/NĐ-CP"


class Procedure(_Model):
    code: str = Field(pattern=CODE_PATTERN)
    name: str
    field: str = ""  # lĩnh vực, e.g. "Hộ tịch"
    ministry: str = ""  # e.g. "Bộ Tư pháp"
    decision: str = ""  # số quyết định công bố
    procedure_type: str = ""  # loại thủ tục
    levels: list[Level] = Field(default_factory=list)
    levels_text: str = ""  # the source wording, e.g. "Cấp xã, Cấp tỉnh"
    agencies: list[str] = Field(default_factory=list)  # cơ quan thực hiện / có thẩm quyền
    address: str = ""  # địa chỉ tiếp nhận hồ sơ
    audiences: list[str] = Field(default_factory=list)  # đối tượng thực hiện
    steps: list[str] = Field(default_factory=list)
    channels: list[SubmissionChannel] = Field(default_factory=list)
    documents: list[RequiredDocument] = Field(default_factory=list)
    conditions: str = ""  # yêu cầu, điều kiện; "" when none stated
    legal_basis: list[LegalBasis] = Field(default_factory=list)
    result: str = ""  # kết quả thực hiện
    related: list[str] = Field(default_factory=list)  # related procedure codes or names
    source_url: str = ""
    source: str = ""  # which crawl it came from, e.g. "chatbot-tthc", "nhdandz"
    foreign: bool = False  # "có yếu tố nước ngoài" / foreigners' variant

    @field_validator("name")
    @classmethod
    def _name_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("procedure name is empty")
        return value


class Catalogue(_Model):
    """The whole catalogue, in code order."""

    procedures: list[Procedure]

    def by_code(self) -> dict[str, Procedure]:
        return {p.code: p for p in self.procedures}
