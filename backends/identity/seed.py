"""Demo citizens of Quảng Ninh, and their birth notices, for the embedded identity backend, the README and the tests.

Everything is invented: names, ID numbers (12 digits in the national layout: 022 = born in Quảng Ninh, then the
sex/century digit and the year of birth), phone numbers, addresses and family ties. Addresses use the communes and
wards of the two-tier local government (no district level since 1 July 2025), so ``district`` is ``""``.

Each person stands for a form-filling scenario (see ``DEMO_CITIZENS``). The birth notices (giấy chứng sinh,
``BIRTH_NOTICES``, numbers invented too) pre-fill the birth registration: Hùng and Mai Anh's newborn son, Lan's
newborn daughter (no name chosen yet, no father declared), and Khang's own notice from 2021, already registered,
which ``birth_notices()`` must never return.

Seeding is idempotent: citizens and notices already present are left as they are and only the missing ones are
put in; ``reset=True`` (``python -m backends.identity.seed --reset``) writes every demo citizen and notice again as
defined here. The marker row records ``SEED_VERSION`` (2 since the birth notices: a cache seeded with version 1
gets the new table from ``create_schema`` and the notices from the next seeding). ``python -m
backends.identity.seed`` prints the demo table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .base import IdentityUnavailable
from .model import Address, BirthNotice, Citizen
from .sql import (
    BirthNoticeRow,
    CitizenRow,
    IdentitySeedRow,
    SqlIdentityBackend,
    birth_notice_row,
    citizen_row,
    default_identity_sqlite_url,
)

SEED_VERSION = 2  # 2: birth notices
PROVINCE = "tỉnh Quảng Ninh"


@dataclass(frozen=True)
class DemoCitizen:
    id_number: str
    name: str
    scenario: str
    procedure_code: str  # the national catalogue code the scenario exercises


def _addr(commune: str, detail: str) -> Address:
    return Address(province=PROVINCE, district="", commune=commune, detail=detail)


# -- the people ---------------------------------------------------------------------------------------------------

HUNG = "022094017326"  # father of the newborn
MAI_ANH = "022197008541"  # mother of the newborn
KHANG = "022221004187"  # their first child (4); the newborn is not in the system yet
TUAN = "022096015830"  # engaged, single
TRANG = "022198012064"  # engaged, single
HANH = "022158003719"  # her husband has just died
THANH = "022055002468"  # the deceased: still in the system until the death is registered
LONG = "022083009152"  # their son
LAN = "022190006385"  # moved house: lives in Hạ Long, permanent residence still in Tiên Yên; a newborn daughter
SANG = "022041001256"  # elderly, incomplete record
LONG_SPOUSE = "031186007731"  # on Long's record but not in this (provincial demo) database

_BAI_CHAY_HOME = _addr("phường Bãi Cháy", "Số 18, tổ 5, khu 3")
_HONG_GAI_HOME = _addr("phường Hồng Gai", "Số 7 ngõ 21 phố Lê Lợi, tổ 2, khu 4")

CITIZENS: tuple[Citizen, ...] = (
    Citizen(
        id_number=HUNG,
        full_name="Nguyễn Văn Hùng",
        date_of_birth=date(1994, 8, 12),
        sex="nam",
        ethnicity="Kinh",
        nationality="Việt Nam",
        hometown="xã Hoằng Hóa, tỉnh Thanh Hóa",
        permanent_address=_BAI_CHAY_HOME,
        current_address=_BAI_CHAY_HOME,
        phone="0913427586",
        email="hung.nv94@example.vn",
        marital_status="đã kết hôn",
        spouse_id=MAI_ANH,
        children_ids=(KHANG,),
    ),
    Citizen(
        id_number=MAI_ANH,
        full_name="Trần Thị Mai Anh",
        date_of_birth=date(1997, 3, 25),
        sex="nữ",
        ethnicity="Kinh",
        nationality="Việt Nam",
        hometown="phường Quảng Yên, tỉnh Quảng Ninh",
        permanent_address=_BAI_CHAY_HOME,
        current_address=_BAI_CHAY_HOME,
        phone="0987615203",
        marital_status="đã kết hôn",
        spouse_id=HUNG,
        children_ids=(KHANG,),
    ),
    Citizen(
        id_number=KHANG,
        full_name="Nguyễn Minh Khang",
        date_of_birth=date(2021, 11, 2),
        sex="nam",
        ethnicity="Kinh",
        nationality="Việt Nam",
        hometown="xã Hoằng Hóa, tỉnh Thanh Hóa",
        permanent_address=_BAI_CHAY_HOME,
        current_address=_BAI_CHAY_HOME,
        marital_status="chưa kết hôn",
        father_id=HUNG,
        mother_id=MAI_ANH,
    ),
    Citizen(
        id_number=TUAN,
        full_name="Phạm Quốc Tuấn",
        date_of_birth=date(1996, 5, 9),
        sex="nam",
        ethnicity="Kinh",
        nationality="Việt Nam",
        religion="Công giáo",
        hometown="phường Cẩm Phả, tỉnh Quảng Ninh",
        permanent_address=_addr("phường Cẩm Phả", "Số 42 đường Trần Phú, tổ 6, khu 1"),
        current_address=_addr("phường Cẩm Phả", "Số 42 đường Trần Phú, tổ 6, khu 1"),
        phone="0979340612",
        email="tuan.pq@example.vn",
        marital_status="chưa kết hôn",
    ),
    Citizen(
        id_number=TRANG,
        full_name="Lê Thị Thu Trang",
        date_of_birth=date(1998, 10, 17),
        sex="nữ",
        ethnicity="Kinh",
        nationality="Việt Nam",
        hometown="phường Uông Bí, tỉnh Quảng Ninh",
        permanent_address=_addr("phường Uông Bí", "Số 9 phố Tuệ Tĩnh, tổ 3, khu 2"),
        current_address=_addr("phường Uông Bí", "Số 9 phố Tuệ Tĩnh, tổ 3, khu 2"),
        phone="0904218937",
        marital_status="chưa kết hôn",
    ),
    Citizen(
        id_number=HANH,
        full_name="Đỗ Thị Hạnh",
        date_of_birth=date(1958, 2, 14),
        sex="nữ",
        ethnicity="Kinh",
        nationality="Việt Nam",
        religion="Phật giáo",
        hometown="phường Hồng Gai, tỉnh Quảng Ninh",
        permanent_address=_HONG_GAI_HOME,
        current_address=_HONG_GAI_HOME,
        phone="0912055784",
        marital_status="đã kết hôn",  # becomes "góa" once the death is registered
        spouse_id=THANH,
        children_ids=(LONG,),
    ),
    Citizen(
        id_number=THANH,
        full_name="Vũ Văn Thành",
        date_of_birth=date(1955, 9, 30),
        sex="nam",
        ethnicity="Kinh",
        nationality="Việt Nam",
        hometown="xã Hải Hậu, tỉnh Ninh Bình",
        permanent_address=_HONG_GAI_HOME,
        current_address=_HONG_GAI_HOME,
        phone="0914630297",
        marital_status="đã kết hôn",
        spouse_id=HANH,
        children_ids=(LONG,),
    ),
    Citizen(
        id_number=LONG,
        full_name="Vũ Đức Long",
        date_of_birth=date(1983, 6, 21),
        sex="nam",
        ethnicity="Kinh",
        nationality="Việt Nam",
        hometown="xã Hải Hậu, tỉnh Ninh Bình",
        permanent_address=_addr("phường Cao Xanh", "Số 3 ngõ 8 đường Cao Xanh, tổ 11, khu 5"),
        current_address=_addr("phường Cao Xanh", "Số 3 ngõ 8 đường Cao Xanh, tổ 11, khu 5"),
        phone="0936482150",
        email="long.vuduc@example.vn",
        marital_status="đã kết hôn",
        father_id=THANH,
        mother_id=HANH,
        spouse_id=LONG_SPOUSE,
    ),
    Citizen(
        id_number=LAN,
        full_name="Hoàng Thị Ngọc Lan",
        date_of_birth=date(1990, 12, 3),
        sex="nữ",
        ethnicity="Tày",
        nationality="Việt Nam",
        hometown="xã Tiên Yên, tỉnh Quảng Ninh",
        permanent_address=_addr("xã Tiên Yên", "Thôn Khe Tiên"),
        current_address=_addr("phường Hạ Long", "Số 12 ngõ 45 đường Nguyễn Văn Cừ, tổ 4, khu 7"),
        phone="0868305271",
        marital_status="đã ly hôn",
    ),
    Citizen(
        id_number=SANG,
        full_name="Triệu Văn Sáng",
        date_of_birth=date(1941, 4, 10),
        sex="nam",
        ethnicity="Dao",
        nationality="Việt Nam",
        hometown="",
        permanent_address=_addr("đặc khu Vân Đồn", "Thôn Đông Nam"),
        current_address=None,
        phone="",
        marital_status="",
    ),
)

# -- the birth notices (giấy chứng sinh) --------------------------------------------------------------------------

AN_NOTICE = "QN-BVSN-2026-04127"  # Hùng and Mai Anh's newborn son, to be named Nguyễn Minh An
LAN_NOTICE = "QN-BVDK-2026-02958"  # Lan's newborn daughter: no name chosen yet, no father declared
KHANG_NOTICE = "QN-BVSN-2021-03352"  # Khang's, from 2021: registered, never returned

BIRTH_NOTICES: tuple[BirthNotice, ...] = (
    BirthNotice(
        number=AN_NOTICE,
        mother_id=MAI_ANH,
        father_id=HUNG,
        child_name="Nguyễn Minh An",
        date_of_birth=date(2026, 11, 24),
        sex="nam",
        place_of_birth="Bệnh viện Sản Nhi Quảng Ninh, phường Hồng Gai, tỉnh Quảng Ninh",
        issued_by="Bệnh viện Sản Nhi Quảng Ninh",
        issued_on=date(2026, 11, 26),
    ),
    BirthNotice(
        number=LAN_NOTICE,
        mother_id=LAN,
        father_id=None,
        child_name="",
        date_of_birth=date(2026, 10, 30),
        sex="nữ",
        place_of_birth="Bệnh viện Đa khoa tỉnh Quảng Ninh, phường Hồng Gai, tỉnh Quảng Ninh",
        issued_by="Bệnh viện Đa khoa tỉnh Quảng Ninh",
        issued_on=date(2026, 11, 2),
    ),
    BirthNotice(
        number=KHANG_NOTICE,
        mother_id=MAI_ANH,
        father_id=HUNG,
        child_name="Nguyễn Minh Khang",
        date_of_birth=date(2021, 11, 2),
        sex="nam",
        place_of_birth="Bệnh viện Sản Nhi Quảng Ninh, thành phố Hạ Long, tỉnh Quảng Ninh",  # as written in 2021
        issued_by="Bệnh viện Sản Nhi Quảng Ninh",
        issued_on=date(2021, 11, 4),
        registered=True,
    ),
)

DEMO_CITIZENS: tuple[DemoCitizen, ...] = (
    DemoCitizen(
        HUNG, "Nguyễn Văn Hùng", "father of the newborn An (birth notice on record): birth registration", "1.001193"
    ),
    DemoCitizen(
        MAI_ANH, "Trần Thị Mai Anh", "mother of the newborn An (married to Hùng; first child Khang)", "1.001193"
    ),
    DemoCitizen(
        KHANG,
        "Nguyễn Minh Khang",
        "their first child, 4 (birth registered; the newborn is not in the system)",
        "1.001193",
    ),
    DemoCitizen(TUAN, "Phạm Quốc Tuấn", "engaged, single: marriage registration with Trang", "1.000894"),
    DemoCitizen(TRANG, "Lê Thị Thu Trang", "engaged, single: certificate of marital status, then marriage", "1.004873"),
    DemoCitizen(HANH, "Đỗ Thị Hạnh", "her husband Thành has just died: death registration", "1.000656"),
    DemoCitizen(THANH, "Vũ Văn Thành", "the deceased (still in the system until the death is registered)", "1.000656"),
    DemoCitizen(LONG, "Vũ Đức Long", "their son; his spouse is not in this database", "1.000656"),
    DemoCitizen(
        LAN,
        "Hoàng Thị Ngọc Lan",
        "moved from Tiên Yên to Hạ Long: CT01, permanent residence; also a newborn daughter (birth notice without"
        " a name or a father)",
        "1.004222",
    ),
    DemoCitizen(SANG, "Triệu Văn Sáng", "elderly, incomplete record (no phone, no current address)", "1.004222"),
)

NEWBORN_PARENTS: tuple[str, str] = (HUNG, MAI_ANH)


def demo_citizens() -> tuple[Citizen, ...]:
    return CITIZENS


def demo_birth_notices() -> tuple[BirthNotice, ...]:
    return BIRTH_NOTICES


def _write(backend: SqlIdentityBackend, reset: bool) -> None:
    with backend.session() as session, session.begin():
        ids = [c.id_number for c in CITIZENS]
        present = set(session.scalars(select(CitizenRow.id_number).where(CitizenRow.id_number.in_(ids))))
        for citizen in CITIZENS:
            if reset or citizen.id_number not in present:
                row, links = citizen_row(citizen)
                backend._put(session, row, links)
        numbers = [n.number for n in BIRTH_NOTICES]
        known = set(session.scalars(select(BirthNoticeRow.number).where(BirthNoticeRow.number.in_(numbers))))
        for notice in BIRTH_NOTICES:
            if reset or notice.number not in known:
                session.merge(birth_notice_row(notice))
        marker = session.get(IdentitySeedRow, 1)
        if marker is None:
            session.add(IdentitySeedRow(id=1, version=SEED_VERSION, seeded_at=datetime.now(UTC)))
        elif reset or marker.version < SEED_VERSION:
            marker.version = SEED_VERSION
            marker.seeded_at = datetime.now(UTC)


def seed_demo(backend: SqlIdentityBackend, *, reset: bool = False) -> tuple[DemoCitizen, ...]:
    """Create the schema and put the missing demo citizens and birth notices in (idempotent); the demo table."""
    backend.create_schema()
    try:
        try:
            _write(backend, reset)
        except IntegrityError:
            _write(backend, reset)  # another process seeded at the same moment: fill what it left out
    except SQLAlchemyError as exc:
        raise IdentityUnavailable(f"could not seed the demo citizens ({type(exc).__name__})") from None
    return DEMO_CITIZENS


def ensure_demo_backend(url: str | None = None) -> SqlIdentityBackend:
    """The embedded default: the SQL backend (``default_identity_sqlite_url()`` unless ``url``), seeded."""
    backend = SqlIdentityBackend(url or default_identity_sqlite_url())
    seed_demo(backend)
    return backend


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m backends.identity.seed",
        description="Seed and list the demo citizens and birth notices (Quảng Ninh).",
    )
    parser.add_argument("--url", help="database URL (default: the embedded SQLite file)")
    parser.add_argument("--reset", action="store_true", help="write every demo citizen and birth notice again")
    args = parser.parse_args(argv)
    backend = SqlIdentityBackend(args.url or default_identity_sqlite_url())
    try:
        demos = seed_demo(backend, reset=args.reset)
    finally:
        backend.close()
    out(f"{'id number':<13} {'procedure':<9} {'name':<20} scenario")
    for demo in demos:
        out(f"{demo.id_number:<13} {demo.procedure_code:<9} {demo.name:<20} {demo.scenario}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
