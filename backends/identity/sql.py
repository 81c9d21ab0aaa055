"""Citizens in a SQL database (SQLAlchemy 2): the embedded SQLite demo and a provider's PostgreSQL, same code.

Tables: ``citizens`` (one row per person; the two addresses as columns, the current one all NULL when not on
record; parents and spouse by ID number, without foreign keys because a relative need not be in the system),
``citizen_children`` (parent → child ID numbers in birth order; the child need not be in the system either),
``birth_notices`` (giấy chứng sinh by number, the parents by ID number, again without foreign keys: a newborn's
parent may live in another province) and ``identity_demo_seed`` (see :mod:`.seed`). Phone numbers are stored
normalised (``0912345678``).

The engine is created on first use, never at import or in ``__init__``. Database errors become
:class:`~.base.IdentityUnavailable` with a message holding neither the URL nor any row data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    delete,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from .._sql import LazyDatabase, cache_sqlite_url
from .base import (
    MAX_BIRTH_NOTICES,
    IdentityUnavailable,
    newest_first,
    normalize_id_number,
    normalize_phone,
    relative_ids,
)
from .model import MAX_NOTICE_NUMBER, Address, BirthNotice, Citizen

log = logging.getLogger(__name__)

SQLITE_FILE = "identity.sqlite3"


def default_identity_sqlite_url() -> str:
    """``sqlite:///$MOTCUA_CACHE_DIR/identity.sqlite3`` (``MOTCUA_CACHE_DIR`` defaults to ``~/.cache/motcua``)."""
    return cache_sqlite_url(SQLITE_FILE)


class IdentityBase(DeclarativeBase):
    pass


class CitizenRow(IdentityBase):
    __tablename__ = "citizens"
    __table_args__ = (CheckConstraint("sex IN ('nam', 'nữ')", name="ck_citizens_sex"),)

    id_number: Mapped[str] = mapped_column(String(12), primary_key=True)
    full_name: Mapped[str] = mapped_column(Text)
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(3))
    ethnicity: Mapped[str] = mapped_column(Text, default="")
    nationality: Mapped[str] = mapped_column(Text, default="")
    religion: Mapped[str] = mapped_column(Text, default="Không")
    hometown: Mapped[str] = mapped_column(Text, default="")
    permanent_province: Mapped[str] = mapped_column(Text)
    permanent_district: Mapped[str] = mapped_column(Text, default="")
    permanent_commune: Mapped[str] = mapped_column(Text)
    permanent_detail: Mapped[str] = mapped_column(Text, default="")
    current_province: Mapped[str | None] = mapped_column(Text)
    current_district: Mapped[str | None] = mapped_column(Text)
    current_commune: Mapped[str | None] = mapped_column(Text)
    current_detail: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(String(10), default="", index=True)
    email: Mapped[str] = mapped_column(Text, default="")
    marital_status: Mapped[str] = mapped_column(String(20), default="")
    father_id: Mapped[str | None] = mapped_column(String(12))
    mother_id: Mapped[str | None] = mapped_column(String(12))
    spouse_id: Mapped[str | None] = mapped_column(String(12))


class ChildLinkRow(IdentityBase):
    __tablename__ = "citizen_children"

    parent_id: Mapped[str] = mapped_column(ForeignKey("citizens.id_number", ondelete="CASCADE"), primary_key=True)
    child_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class BirthNoticeRow(IdentityBase):
    __tablename__ = "birth_notices"
    __table_args__ = (CheckConstraint("sex IN ('nam', 'nữ')", name="ck_birth_notices_sex"),)

    number: Mapped[str] = mapped_column(String(MAX_NOTICE_NUMBER), primary_key=True)
    mother_id: Mapped[str] = mapped_column(String(12), index=True)
    father_id: Mapped[str | None] = mapped_column(String(12), index=True)
    child_name: Mapped[str] = mapped_column(Text, default="")
    date_of_birth: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(3))
    place_of_birth: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    registered: Mapped[bool] = mapped_column(Boolean, default=False)


class IdentitySeedRow(IdentityBase):
    """One row once the demo citizens are in (see :mod:`.seed`)."""

    __tablename__ = "identity_demo_seed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    seeded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def citizen_row(citizen: Citizen) -> tuple[CitizenRow, list[ChildLinkRow]]:
    """The rows that store ``citizen``."""
    current = citizen.current_address
    phone = normalize_phone(citizen.phone) if citizen.phone else ""
    if phone is None:
        raise ValueError("phone is not a Vietnamese phone number")
    row = CitizenRow(
        id_number=citizen.id_number,
        full_name=citizen.full_name,
        date_of_birth=citizen.date_of_birth,
        sex=citizen.sex,
        ethnicity=citizen.ethnicity,
        nationality=citizen.nationality,
        religion=citizen.religion,
        hometown=citizen.hometown,
        permanent_province=citizen.permanent_address.province,
        permanent_district=citizen.permanent_address.district,
        permanent_commune=citizen.permanent_address.commune,
        permanent_detail=citizen.permanent_address.detail,
        current_province=current.province if current else None,
        current_district=current.district if current else None,
        current_commune=current.commune if current else None,
        current_detail=current.detail if current else None,
        phone=phone,
        email=citizen.email,
        marital_status=citizen.marital_status,
        father_id=citizen.father_id,
        mother_id=citizen.mother_id,
        spouse_id=citizen.spouse_id,
    )
    links = [
        ChildLinkRow(parent_id=citizen.id_number, child_id=child, position=i)
        for i, child in enumerate(citizen.children_ids)
    ]
    return row, links


def birth_notice_row(notice: BirthNotice) -> BirthNoticeRow:
    """The row that stores ``notice``."""
    return BirthNoticeRow(
        number=notice.number,
        mother_id=notice.mother_id,
        father_id=notice.father_id,
        child_name=notice.child_name,
        date_of_birth=notice.date_of_birth,
        sex=notice.sex,
        place_of_birth=notice.place_of_birth,
        issued_by=notice.issued_by,
        issued_on=notice.issued_on,
        registered=notice.registered,
    )


def _to_birth_notice(row: BirthNoticeRow) -> BirthNotice:
    return BirthNotice(
        number=row.number,
        mother_id=row.mother_id,
        father_id=row.father_id or None,
        child_name=row.child_name or "",
        date_of_birth=row.date_of_birth,
        sex=row.sex,  # type: ignore[arg-type]
        place_of_birth=row.place_of_birth,
        issued_by=row.issued_by,
        issued_on=row.issued_on,
        registered=bool(row.registered),
    )


def _to_citizen(row: CitizenRow, children: Iterable[str]) -> Citizen:
    current = None
    if row.current_province is not None or row.current_commune is not None:
        current = Address(
            province=row.current_province or "",
            district=row.current_district or "",
            commune=row.current_commune or "",
            detail=row.current_detail or "",
        )
    return Citizen(
        id_number=row.id_number,
        full_name=row.full_name,
        date_of_birth=row.date_of_birth,
        sex=row.sex,  # type: ignore[arg-type]
        ethnicity=row.ethnicity or "",
        nationality=row.nationality or "",
        religion=row.religion or "",
        hometown=row.hometown or "",
        permanent_address=Address(
            province=row.permanent_province or "",
            district=row.permanent_district or "",
            commune=row.permanent_commune or "",
            detail=row.permanent_detail or "",
        ),
        current_address=current,
        phone=row.phone or "",
        email=row.email or "",
        marital_status=row.marital_status or "",
        father_id=row.father_id or None,
        mother_id=row.mother_id or None,
        spouse_id=row.spouse_id or None,
        children_ids=tuple(children),
    )


class SqlIdentityBackend:
    """An :class:`~.base.IdentityBackend` over SQLAlchemy: ``sqlite:///…`` or ``postgresql+psycopg://…``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.db = LazyDatabase(url)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.db.dialect}://…)"

    def session(self) -> Session:
        return self.db.session()

    def close(self) -> None:
        self.db.dispose()

    @contextmanager
    def _guarded(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            log.warning("identity database error: %s", type(exc).__name__)
            raise IdentityUnavailable(f"identity database unavailable ({type(exc).__name__})") from None

    def create_schema(self) -> None:
        """Create the missing tables (idempotent)."""
        with self._guarded():
            IdentityBase.metadata.create_all(self.db.engine)

    # -- reading -------------------------------------------------------------------------------------------------

    def _load(self, session: Session, ids: Iterable[str]) -> dict[str, Citizen]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = session.scalars(select(CitizenRow).where(CitizenRow.id_number.in_(wanted))).all()
        children: dict[str, list[str]] = {row.id_number: [] for row in rows}
        for link in session.scalars(
            select(ChildLinkRow)
            .where(ChildLinkRow.parent_id.in_(wanted))
            .order_by(ChildLinkRow.parent_id, ChildLinkRow.position, ChildLinkRow.child_id)
        ):
            children.setdefault(link.parent_id, []).append(link.child_id)
        return {row.id_number: _to_citizen(row, children.get(row.id_number, ())) for row in rows}

    def get(self, id_number: str) -> Citizen | None:
        canonical = normalize_id_number(id_number)
        if canonical is None:
            return None
        with self._guarded(), self.session() as session:
            return self._load(session, [canonical]).get(canonical)

    def by_phone(self, phone: str) -> Citizen | None:
        canonical = normalize_phone(phone)
        if canonical is None:
            return None
        with self._guarded(), self.session() as session:
            ids = session.scalars(select(CitizenRow.id_number).where(CitizenRow.phone == canonical).limit(2)).all()
            if len(ids) != 1:
                return None
            return self._load(session, ids).get(ids[0])

    def relatives(self, citizen: Citizen) -> dict[str, Citizen]:
        wanted = relative_ids(citizen)
        with self._guarded(), self.session() as session:
            found = self._load(session, wanted.values())
        return {key: found[value] for key, value in wanted.items() if value in found}

    def birth_notices(self, parent_id: str) -> list[BirthNotice]:
        canonical = normalize_id_number(parent_id)
        if canonical is None:
            return []
        query = (
            select(BirthNoticeRow)
            .where(
                or_(BirthNoticeRow.mother_id == canonical, BirthNoticeRow.father_id == canonical),
                BirthNoticeRow.registered == false(),
            )
            .order_by(BirthNoticeRow.date_of_birth.desc(), BirthNoticeRow.number)
            .limit(MAX_BIRTH_NOTICES)
        )
        with self._guarded(), self.session() as session:
            rows = session.scalars(query).all()
        try:
            return newest_first(_to_birth_notice(row) for row in rows)
        except ValueError:  # a row written around put_birth_notice (e.g. an import job) that breaks the model
            log.warning("identity database holds a birth notice that breaks the model")
            raise IdentityUnavailable("identity database holds an invalid birth notice") from None

    def healthy(self) -> bool:
        return self.db.ping()

    # -- writing (the demo, the tests, an import job) ------------------------------------------------------------

    def put(self, citizen: Citizen) -> None:
        """Insert ``citizen``, or replace what is stored under its ID number."""
        row, links = citizen_row(citizen)
        with self._guarded(), self.session() as session, session.begin():
            self._put(session, row, links)

    @staticmethod
    def _put(session: Session, row: CitizenRow, links: list[ChildLinkRow]) -> None:
        session.execute(delete(ChildLinkRow).where(ChildLinkRow.parent_id == row.id_number))
        session.merge(row)
        session.flush()
        session.add_all(links)

    def put_birth_notice(self, notice: BirthNotice) -> None:
        """Insert ``notice``, or replace what is stored under its number (e.g. once it is ``registered``)."""
        row = birth_notice_row(notice)
        with self._guarded(), self.session() as session, session.begin():
            session.merge(row)

    def count(self) -> int:
        with self._guarded(), self.session() as session:
            return int(session.scalar(select(func.count()).select_from(CitizenRow)) or 0)
