"""Demo dossiers of Quảng Ninh (province code H49) for the embedded backend, the README and the tests.

Everything here is invented: the people, their phone and ID numbers, and the receiving agencies' codes
(``000.00.12.H49`` …: plausible commune/ward-level codes in the national format, not looked up in the official
list). The procedures are real catalogue entries (codes and names as in ``knowledge_base/data/catalogue.jsonl``).

The dossiers are built around a moment ``now``: registration days, due dates (some overdue, some due tomorrow, some
next week) and supplement / payment deadlines are relative to it, and so are the codes (the YYMMDD part is the day
the dossier was registered). ``now`` is stored with the data (table ``demo_seed``), so seeding again finds the same
codes and inserts nothing; ``reset=True`` (or ``python -m backends.dossiers.seed --reset``) rebuilds the demo around
the current time. ``python -m backends.dossiers.seed`` prints the demo codes with their verification answers.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .base import BackendUnavailable
from .codes import normalize_dossier_code
from .model import VN_TZ, Dossier, DossierStatus, PaymentRequest, StatusEvent, SupplementRequest
from .sql import DemoSeedRow, DossierRow, SqlDossierBackend, default_sqlite_url, dossier_row

S = DossierStatus

# Receiving agencies (invented codes, see the module docstring): key → (agency code, name).
AGENCIES: dict[str, tuple[str, str]] = {
    "ha_long": ("000.00.12.H49", "Trung tâm Phục vụ hành chính công phường Hạ Long"),
    "bai_chay": ("000.00.13.H49", "Trung tâm Phục vụ hành chính công phường Bãi Cháy"),
    "hong_gai": ("000.00.14.H49", "Trung tâm Phục vụ hành chính công phường Hồng Gai"),
    "cam_pha": ("000.00.21.H49", "Trung tâm Phục vụ hành chính công phường Cẩm Phả"),
    "uong_bi": ("000.00.31.H49", "Trung tâm Phục vụ hành chính công phường Uông Bí"),
    "mong_cai": ("000.00.41.H49", "Trung tâm Phục vụ hành chính công phường Móng Cái 1"),
    "van_don": ("000.00.51.H49", "Trung tâm Phục vụ hành chính công đặc khu Vân Đồn"),
    "tien_yen": ("000.00.61.H49", "Trung tâm Phục vụ hành chính công xã Tiên Yên"),
}

# Catalogue code → name, exactly as in the national catalogue.
PROCEDURES: dict[str, str] = {
    "1.001193": "Thủ tục đăng ký khai sinh",
    "1.000894": "Thủ tục đăng ký kết hôn",
    "1.004222": "Đăng ký thường trú",
    "1.004194": "Đăng ký tạm trú",
    "1.004873": "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
    "2.000815": (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam; cơ quan, "
        "tổ chức có thẩm quyền của nước ngoài; cơ quan, tổ chức có thẩm quyền của Việt Nam liên kết với cơ quan, "
        "tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận"
    ),
    "1.001612": "Đăng ký thành lập hộ kinh doanh",
    "1.014063": "Cấp đổi thẻ căn cước",
    "1.013978": (
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn "
        "liền với đất lần đầu đối với hộ gia đình, cá nhân, cộng đồng dân cư, người gốc Việt Nam định cư ở nước ngoài"
    ),
}


@dataclass(frozen=True, slots=True)
class DemoDossier:
    """What the README and the tests need to know about one demo dossier."""

    code: str
    verification: str  # the last 4 digits of the applicant's phone: the answer that proves ownership
    status: DossierStatus
    procedure_code: str
    scenario: str  # one line, for people reading the README or a test


@dataclass(frozen=True, slots=True)
class _Spec:
    agency: str
    nth: int  # the agency's counter on the registration day
    procedure: str
    method: str
    applicant: tuple[str, str, str]  # name, phone, 12-digit ID number (all invented)
    history: tuple[tuple[DossierStatus, datetime, str], ...]
    step: str
    due: datetime | None
    scenario: str
    supplement: SupplementRequest | None = None
    payment: PaymentRequest | None = None


def _specs(now: datetime) -> list[_Spec]:
    today = now.astimezone(VN_TZ).date()

    def day(days_ago: int, hour: int, minute: int = 0) -> datetime:
        """Office hours ``days_ago`` days before ``now`` (≥ 1, so always in the past)."""
        return datetime.combine(today - timedelta(days=days_ago), time(hour, minute), VN_TZ)

    def ago(minutes: int) -> datetime:
        return now - timedelta(minutes=minutes)

    def due(days_from_today: int, hour: int = 16, minute: int = 30) -> datetime:
        return datetime.combine(today + timedelta(days=days_from_today), time(hour, minute), VN_TZ)

    def on(days_from_today: int) -> date:
        return today + timedelta(days=days_from_today)

    return [
        _Spec(
            "ha_long",
            5,
            "1.001193",
            "online",
            ("Nguyễn Thị Thu Hà", "0912468135", "022194006731"),
            ((S.NEW, ago(35), "Nộp trực tuyến trên Cổng Dịch vụ công quốc gia"),),
            "Chờ bộ phận một cửa kiểm tra và tiếp nhận hồ sơ trực tuyến",
            None,
            "submitted online a moment ago, not received yet",
        ),
        _Spec(
            "bai_chay",
            2,
            "1.000894",
            "in_person",
            ("Trần Văn Minh", "0983215764", "022091013552"),
            ((S.RECEIVED, day(1, 9, 20), "Tiếp nhận trực tiếp tại bộ phận một cửa"),),
            "Đã tiếp nhận, chuyển công chức tư pháp - hộ tịch",
            due(1),
            "received yesterday, due tomorrow",
        ),
        _Spec(
            "hong_gai",
            7,
            "1.004222",
            "online",
            ("Lê Hoàng Nam", "0904337290", "030087004219"),
            (
                (S.NEW, day(3, 20, 45), "Nộp trực tuyến trên Cổng Dịch vụ công quốc gia"),
                (S.RECEIVED, day(2, 8, 10), ""),
                (S.PROCESSING, day(2, 14, 30), "Chuyển Công an phường Hồng Gai giải quyết"),
            ),
            "Công an phường Hồng Gai thẩm định hồ sơ, xác minh chỗ ở hợp pháp",
            due(6),
            "being processed, due next week",
        ),
        _Spec(
            "ha_long",
            12,
            "2.000815",
            "in_person",
            ("Phạm Thị Ngọc Anh", "0868902417", "022301008846"),
            (
                (S.RECEIVED, day(2, 9, 5), ""),
                (S.COMPLETED, day(2, 9, 40), "Đã chứng thực 03 bản sao"),
                (S.RETURNED, day(2, 10, 15), "Trả kết quả trực tiếp tại bộ phận một cửa"),
            ),
            "Đã trả kết quả",
            day(2, 16, 30),
            "certified copies handed over two days ago",
        ),
        _Spec(
            "cam_pha",
            3,
            "1.001612",
            "online",
            ("Vũ Đức Thắng", "0915640382", "034083002675"),
            (
                (S.NEW, day(5, 21, 10), "Nộp trực tuyến trên Cổng Dịch vụ công quốc gia"),
                (S.RECEIVED, day(4, 8, 30), ""),
                (S.PROCESSING, day(4, 10, 0), ""),
                (S.SUPPLEMENT_REQUESTED, day(1, 15, 20), "Hồ sơ chưa đủ thành phần, đề nghị bổ sung"),
            ),
            "Chờ công dân bổ sung hồ sơ",
            due(5),
            "two documents missing, supplement deadline in 2 days",
            supplement=SupplementRequest(
                documents=(
                    "Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh "
                    "(có chữ ký của các thành viên)",
                    "Bản sao hợp đồng thuê địa điểm đặt trụ sở hộ kinh doanh",
                ),
                deadline=on(2),
                note="Bổ sung trực tuyến trên Cổng Dịch vụ công hoặc nộp tại Trung tâm Phục vụ hành chính công "
                "phường Cẩm Phả",
            ),
        ),
        _Spec(
            "uong_bi",
            9,
            "1.014063",
            "in_person",
            ("Đỗ Thị Hồng Nhung", "0936158209", "022179005120"),
            (
                (S.RECEIVED, day(8, 14, 10), "Đã thu nhận vân tay, ảnh chân dung"),
                (S.PROCESSING, day(8, 16, 0), ""),
                (S.COMPLETED, ago(50), "Thẻ căn cước đã về, mời công dân đến nhận"),
            ),
            "Chờ trả kết quả tại Công an phường Uông Bí",
            due(1),
            "new ID card ready to collect (was due tomorrow)",
        ),
        _Spec(
            "mong_cai",
            4,
            "1.004222",
            "in_person",
            ("Hoàng Văn Hải", "0972583016", "022096011478"),
            (
                (S.RECEIVED, day(6, 8, 45), ""),
                (S.PROCESSING, day(6, 10, 30), "Chuyển Công an phường Móng Cái 1 giải quyết"),
                (S.SUPPLEMENT_REQUESTED, day(3, 9, 15), "Giấy tờ chứng minh chỗ ở hợp pháp chưa hợp lệ"),
            ),
            "Chờ công dân bổ sung hồ sơ",
            due(8),
            "proof of residence requested, deadline in 9 days",
            supplement=SupplementRequest(
                documents=(
                    "Hợp đồng thuê nhà có công chứng hoặc chứng thực (giấy tờ chứng minh chỗ ở hợp pháp)",
                    "Văn bản đồng ý cho đăng ký thường trú của chủ nhà",
                ),
                deadline=on(9),
                note="Nộp bổ sung tại Trung tâm Phục vụ hành chính công phường Móng Cái 1",
            ),
        ),
        _Spec(
            "van_don",
            2,
            "1.001193",
            "in_person",
            ("Bùi Thị Lan", "0888724531", "022198003904"),
            (
                (S.RECEIVED, day(6, 9, 30), ""),
                (S.PROCESSING, day(6, 10, 0), "Cần xác minh thông tin nơi cư trú của người mẹ"),
            ),
            "Công chức tư pháp - hộ tịch đang xác minh thông tin",
            due(-2),
            "overdue by two days",
        ),
        _Spec(
            "tien_yen",
            1,
            "1.013978",
            "in_person",
            ("Đặng Quốc Huy", "0916305874", "022075000583"),
            (
                (S.RECEIVED, day(20, 8, 15), ""),
                (S.PROCESSING, day(20, 9, 0), "Chuyển Chi nhánh Văn phòng đăng ký đất đai"),
                (S.PAYMENT_REQUESTED, day(2, 14, 0), "Đã có thông báo nộp tiền của cơ quan thuế"),
            ),
            "Chờ công dân thực hiện nghĩa vụ tài chính",
            due(8),
            "land-use right certificate, land levy and registration fee to pay",
            payment=PaymentRequest(
                amount_vnd=12_650_000,
                deadline=on(28),
                note="Tiền sử dụng đất và lệ phí trước bạ theo thông báo của cơ quan thuế; nộp trên Cổng Dịch vụ "
                "công hoặc tại ngân hàng",
            ),
        ),
        _Spec(
            "cam_pha",
            6,
            "1.000894",
            "online",
            ("Ngô Thị Mai", "0945817362", "031199006218"),
            (
                (S.NEW, day(3, 22, 5), "Nộp trực tuyến trên Cổng Dịch vụ công quốc gia"),
                (
                    S.REJECTED,
                    day(2, 9, 30),
                    "Thiếu bản chụp giấy tờ tùy thân của bên nam, tờ khai chưa có chữ ký; đề nghị nộp lại hồ sơ đầy đủ",
                ),
            ),
            "Không được tiếp nhận",
            None,
            "online dossier not accepted (incomplete)",
        ),
        _Spec(
            "bai_chay",
            3,
            "1.004194",
            "postal",
            ("Lý Văn Cường", "0977041658", "022200004417"),
            (
                (S.RECEIVED, day(5, 10, 40), "Tiếp nhận qua dịch vụ bưu chính công ích"),
                (S.PROCESSING, day(5, 14, 0), ""),
                (S.WITHDRAWN, day(2, 16, 10), "Công dân có đơn đề nghị rút hồ sơ"),
            ),
            "Đã rút hồ sơ theo đề nghị của công dân",
            due(-2),
            "sent by post, then withdrawn by the citizen",
        ),
        _Spec(
            "mong_cai",
            8,
            "1.004873",
            "in_person",
            ("Phan Thị Thanh Tâm", "0903962745", "022192009031"),
            (
                (S.RECEIVED, day(25, 9, 0), ""),
                (S.PROCESSING, day(25, 9, 30), ""),
                (
                    S.SUPPLEMENT_REQUESTED,
                    day(22, 10, 0),
                    "Đề nghị bổ sung giấy tờ chứng minh tình trạng hôn nhân tại nơi cư trú trước đây",
                ),
                (S.STOPPED, day(5, 8, 30), "Quá thời hạn bổ sung nhưng công dân không bổ sung hồ sơ"),
            ),
            "Dừng xử lý",
            due(-18),
            "stopped: the supplement deadline passed",
        ),
        _Spec(
            "hong_gai",
            15,
            "1.014063",
            "in_person",
            ("Trịnh Minh Khoa", "0358119063", "022068001296"),
            (
                (S.RECEIVED, day(10, 15, 35), "Đã thu nhận vân tay, ảnh chân dung"),
                (S.PROCESSING, day(10, 16, 20), "Chờ phê duyệt và in thẻ"),
            ),
            "Chờ cấp thẻ căn cước",
            due(-1),
            "overdue by one day",
        ),
    ]


def _build(spec: _Spec, now: datetime) -> Dossier:
    agency_code, agency_name = AGENCIES[spec.agency]
    events = tuple(StatusEvent(status, at, note) for status, at, note in spec.history)
    if any(b.at < a.at for a, b in pairwise(events)) or events[-1].at > now:
        raise AssertionError(f"demo history out of order ({spec.scenario})")
    registered = events[0].at.astimezone(VN_TZ).date()
    code = f"{agency_code}-{registered:%y%m%d}-{spec.nth:04d}"
    assert normalize_dossier_code(code) == code, code

    def first(*statuses: DossierStatus) -> datetime | None:
        return next((e.at for e in events if e.status in statuses), None)

    name, phone, id_number = spec.applicant
    return Dossier(
        code=code,
        procedure_code=spec.procedure,
        procedure_name=PROCEDURES[spec.procedure],
        agency=agency_name,
        applicant_name=name,
        applicant_phone=phone,
        applicant_id_number=id_number,
        method=spec.method,
        status=events[-1].status,
        current_step=spec.step,
        received_at=first(S.RECEIVED),
        due_at=spec.due,
        completed_at=first(S.COMPLETED, S.RETURNED),
        updated_at=events[-1].at,
        history=events,
        supplement=spec.supplement,
        payment=spec.payment,
    )


def demo_dossiers(now: datetime) -> list[tuple[Dossier, DemoDossier]]:
    """The demo dossiers built around ``now`` (timezone-aware), without touching any database."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    built = []
    for spec in _specs(now):
        dossier = _build(spec, now)
        demo = DemoDossier(dossier.code, dossier.applicant_phone[-4:], dossier.status, spec.procedure, spec.scenario)
        built.append((dossier, demo))
    codes = [d.code for d, _ in built]
    if len(set(codes)) != len(codes):
        raise AssertionError("two demo dossiers share a code")
    return built


def _stored_anchor(backend: SqlDossierBackend) -> datetime | None:
    with backend.session() as session:
        row = session.get(DemoSeedRow, 1)
        return row.anchor if row is not None else None


def _write(backend: SqlDossierBackend, anchor: datetime, replace: datetime | None) -> None:
    """Insert the demo built around ``anchor`` (dossiers already there are kept); first remove ``replace``'s."""
    with backend.session() as session, session.begin():
        if replace is not None:
            old_codes = [d.code for d, _ in demo_dossiers(replace)]
            for row in session.scalars(select(DossierRow).where(DossierRow.code.in_(old_codes))):
                session.delete(row)
            if (marker := session.get(DemoSeedRow, 1)) is not None:
                session.delete(marker)
            session.flush()
        built = demo_dossiers(anchor)
        present = set(session.scalars(select(DossierRow.code).where(DossierRow.code.in_([d.code for d, _ in built]))))
        for dossier, _ in built:
            if dossier.code not in present:
                session.add(dossier_row(dossier))
        if session.get(DemoSeedRow, 1) is None:
            session.add(DemoSeedRow(id=1, anchor=anchor, seeded_at=datetime.now(VN_TZ)))


def seed_demo(backend: SqlDossierBackend, now: datetime | None = None, *, reset: bool = False) -> list[DemoDossier]:
    """Create the schema and put the demo dossiers in (idempotent); the demo dossiers as stored.

    When the demo is already there it is kept as it is (built around the ``now`` of the first seeding, whatever
    ``now`` says this time) and missing demo dossiers are put back. ``reset=True`` replaces it with one built
    around ``now`` (default: the current time).
    """
    backend.create_schema()
    try:
        stored = _stored_anchor(backend)
        if stored is not None and not reset:
            anchor, replace = stored, None
        else:
            anchor = now if now is not None else datetime.now(VN_TZ)
            replace = stored
        try:
            _write(backend, anchor, replace)
        except IntegrityError:
            # Another process seeded at the same moment: use what it wrote.
            anchor = _stored_anchor(backend) or anchor
            _write(backend, anchor, None)
    except SQLAlchemyError as exc:
        raise BackendUnavailable(f"could not seed the demo dossiers ({type(exc).__name__})") from None
    return [demo for _, demo in demo_dossiers(anchor)]


def ensure_demo_backend(url: str | None = None) -> SqlDossierBackend:
    """The embedded default: a SQL backend (``default_sqlite_url()`` unless ``url``) with the demo seeded."""
    backend = SqlDossierBackend(url or default_sqlite_url())
    seed_demo(backend)
    return backend


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m backends.dossiers.seed", description="Seed and list the demo dossiers (Quảng Ninh)."
    )
    parser.add_argument("--url", help="database URL (default: the embedded SQLite file)")
    parser.add_argument("--reset", action="store_true", help="rebuild the demo around the current time")
    args = parser.parse_args(argv)
    backend = SqlDossierBackend(args.url or default_sqlite_url())
    try:
        demos = seed_demo(backend, reset=args.reset)
    finally:
        backend.close()
    out(f"{'code':<28} {'answer':<6} {'status':<21} {'procedure':<9} scenario")
    for demo in demos:
        out(f"{demo.code:<28} {demo.verification:<6} {demo.status.value:<21} {demo.procedure_code:<9} {demo.scenario}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
