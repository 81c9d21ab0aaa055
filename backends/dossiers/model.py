"""What a dossier (hồ sơ) is, as every backend returns it.

The statuses are the national list used by the provincial one-stop systems. Datetimes are timezone-aware and given
in Vietnam's time (``VN_TZ``); a backend that reads naive values must say which zone they are in.

``Dossier`` holds the applicant's name, phone number and ID number (they are needed to verify the citizen and to
pre-fill forms) but never shows them in ``repr``/``str``, so a dossier that ends up in a log or a traceback does
not leak them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

Method = Literal["in_person", "online", "postal"]
METHODS: tuple[str, ...] = ("in_person", "online", "postal")


class DossierStatus(StrEnum):
    """The national list of dossier statuses (the value is the stable machine name)."""

    NEW = "new"
    RECEIVED = "received"
    REJECTED = "rejected"
    PROCESSING = "processing"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    PAYMENT_REQUESTED = "payment_requested"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"
    COMPLETED = "completed"
    RETURNED = "returned"

    @property
    def label_vi(self) -> str:
        """The official Vietnamese wording of the status."""
        return _LABELS_VI[self]

    @property
    def label_en(self) -> str:
        return _LABELS_EN[self]

    @property
    def is_closed(self) -> bool:
        """Nothing more will happen to the dossier (not accepted, withdrawn, stopped, or the result handed over)."""
        return self in _CLOSED

    @property
    def awaits_citizen(self) -> bool:
        """The agency waits for the citizen: documents to add or a fee / tax to pay."""
        return self in (DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PAYMENT_REQUESTED)


_LABELS_VI: dict[DossierStatus, str] = {
    DossierStatus.NEW: "Mới đăng ký",
    DossierStatus.RECEIVED: "Được tiếp nhận",
    DossierStatus.REJECTED: "Không được tiếp nhận",
    DossierStatus.PROCESSING: "Đang xử lý",
    DossierStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung giấy tờ",
    DossierStatus.PAYMENT_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    DossierStatus.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.COMPLETED: "Đã xử lý xong",
    DossierStatus.RETURNED: "Đã trả kết quả",
}

_LABELS_EN: dict[DossierStatus, str] = {
    DossierStatus.NEW: "Newly registered",
    DossierStatus.RECEIVED: "Received",
    DossierStatus.REJECTED: "Not accepted",
    DossierStatus.PROCESSING: "Being processed",
    DossierStatus.SUPPLEMENT_REQUESTED: "Additional documents requested",
    DossierStatus.PAYMENT_REQUESTED: "Payment of fees or taxes requested",
    DossierStatus.WITHDRAWN: "Withdrawn at the citizen's request",
    DossierStatus.STOPPED: "Processing stopped",
    DossierStatus.COMPLETED: "Processed, result ready",
    DossierStatus.RETURNED: "Result handed over",
}

_CLOSED = frozenset({DossierStatus.REJECTED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED, DossierStatus.RETURNED})


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One step of a dossier's history: it entered ``status`` at ``at``."""

    status: DossierStatus
    at: datetime
    note: str = ""

    def __post_init__(self) -> None:
        _require_aware("StatusEvent.at", self.at)


@dataclass(frozen=True, slots=True)
class SupplementRequest:
    """The agency asks for more documents, to be brought or uploaded by ``deadline``."""

    documents: tuple[str, ...]
    deadline: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    """The agency asks the citizen to pay fees, charges or taxes (nghĩa vụ tài chính) by ``deadline``."""

    amount_vnd: int
    deadline: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class Dossier:
    """A dossier as the one-stop system knows it. ``history`` is in time order, oldest first.

    ``supplement`` / ``payment`` are the request still open (the latest one), if any.
    """

    code: str
    procedure_code: str
    procedure_name: str
    agency: str
    applicant_name: str = field(repr=False)
    applicant_phone: str = field(repr=False)
    applicant_id_number: str = field(repr=False)
    method: str  # "in_person" | "online" | "postal"
    status: DossierStatus
    current_step: str
    received_at: datetime | None
    due_at: datetime | None
    completed_at: datetime | None
    updated_at: datetime
    history: tuple[StatusEvent, ...] = ()
    supplement: SupplementRequest | None = None
    payment: PaymentRequest | None = None

    def __post_init__(self) -> None:
        for name in ("received_at", "due_at", "completed_at", "updated_at"):
            _require_aware(f"Dossier.{name}", getattr(self, name))
        if self.method not in METHODS:
            raise ValueError(f"Dossier.method must be one of {METHODS}")

    def is_overdue(self, now: datetime) -> bool:
        """Past the appointment date and still without a result (completed/closed dossiers are never overdue)."""
        if self.due_at is None or self.status is DossierStatus.COMPLETED or self.status.is_closed:
            return False
        return now > self.due_at
