"""The SQL identity backend with the Quảng Ninh demo, on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from backends.identity import seed
from backends.identity.base import IdentityBackend, IdentityUnavailable
from backends.identity.seed import CITIZENS, DEMO_CITIZENS, seed_demo
from backends.identity.sql import ChildLinkRow, CitizenRow, SqlIdentityBackend, default_identity_sqlite_url

BY_ID = {c.id_number: c for c in CITIZENS}


def test_it_is_an_identity_backend(seeded: SqlIdentityBackend) -> None:
    assert isinstance(seeded, IdentityBackend)
    assert seeded.healthy()


def test_every_demo_citizen_reads_back_equal(seeded: SqlIdentityBackend) -> None:
    assert seeded.count() == len(CITIZENS) == 10
    for citizen in CITIZENS:
        assert seeded.get(citizen.id_number) == citizen
    assert {d.id_number for d in DEMO_CITIZENS} == set(BY_ID)
    for demo in DEMO_CITIZENS:
        assert BY_ID[demo.id_number].full_name == demo.name


def test_seeding_is_idempotent(seeded: SqlIdentityBackend) -> None:
    seed_demo(seeded)
    seed_demo(seeded)
    with seeded.session() as session:
        assert session.scalar(select(func.count()).select_from(CitizenRow)) == len(CITIZENS)
        links = session.scalar(select(func.count()).select_from(ChildLinkRow))
    assert links == sum(len(c.children_ids) for c in CITIZENS)


def test_seeding_keeps_edits_unless_reset(seeded: SqlIdentityBackend) -> None:
    moved = dataclasses.replace(BY_ID[seed.LAN], phone="0868000111")
    seeded.put(moved)
    seed_demo(seeded)
    assert seeded.get(seed.LAN) == moved
    seed_demo(seeded, reset=True)
    assert seeded.get(seed.LAN) == BY_ID[seed.LAN]


def test_seeding_puts_back_a_missing_citizen(seeded: SqlIdentityBackend) -> None:
    with seeded.session() as session, session.begin():
        session.delete(session.get(CitizenRow, seed.TUAN))
    assert seeded.get(seed.TUAN) is None
    seed_demo(seeded)
    assert seeded.get(seed.TUAN) == BY_ID[seed.TUAN]


def test_relatives_of_the_newborns_parents(seeded: SqlIdentityBackend) -> None:
    father = seeded.get(seed.HUNG)
    assert father is not None
    family = seeded.relatives(father)
    assert set(family) == {"spouse", f"child:{seed.KHANG}"}
    assert family["spouse"].id_number == seed.MAI_ANH
    assert family[f"child:{seed.KHANG}"].full_name == "Nguyễn Minh Khang"
    child = seeded.get(seed.KHANG)
    assert child is not None
    parents = seeded.relatives(child)
    assert parents["father"] == father and parents["mother"].id_number == seed.MAI_ANH


def test_the_newborn_is_not_in_the_system(seeded: SqlIdentityBackend) -> None:
    mother = seeded.get(seed.MAI_ANH)
    assert mother is not None
    assert mother.children_ids == (seed.KHANG,)  # only the first child
    with seeded.session() as session:
        born_to_them = session.scalars(
            select(CitizenRow.id_number).where(CitizenRow.father_id == seed.HUNG, CitizenRow.mother_id == seed.MAI_ANH)
        ).all()
    assert born_to_them == [seed.KHANG]


def test_the_deceased_husband_is_in_the_system(seeded: SqlIdentityBackend) -> None:
    widow = seeded.get(seed.HANH)
    assert widow is not None
    family = seeded.relatives(widow)
    assert family["spouse"].id_number == seed.THANH
    assert family[f"child:{seed.LONG}"].father_id == seed.THANH


def test_a_relative_outside_the_database_is_left_out(seeded: SqlIdentityBackend) -> None:
    son = seeded.get(seed.LONG)
    assert son is not None and son.spouse_id == seed.LONG_SPOUSE
    assert set(seeded.relatives(son)) == {"father", "mother"}


def test_engaged_couple_are_single(seeded: SqlIdentityBackend) -> None:
    for id_number in (seed.TUAN, seed.TRANG):
        person = seeded.get(id_number)
        assert person is not None
        assert person.marital_status == "chưa kết hôn" and person.spouse_id is None
        assert seeded.relatives(person) == {}


def test_the_person_who_moved_and_the_incomplete_record(seeded: SqlIdentityBackend) -> None:
    lan = seeded.get(seed.LAN)
    assert lan is not None and lan.current_address is not None
    assert lan.permanent_address.commune == "xã Tiên Yên"
    assert lan.current_address.commune == "phường Hạ Long"
    elderly = seeded.get(seed.SANG)
    assert elderly is not None
    assert elderly.phone == "" and elderly.current_address is None
    assert "current_address" in elderly.missing()


def test_by_phone(seeded: SqlIdentityBackend) -> None:
    found = seeded.by_phone("0913 427 586")
    assert found is not None and found.id_number == seed.HUNG
    assert seeded.by_phone("+84 987 615 203").id_number == seed.MAI_ANH  # type: ignore[union-attr]
    assert seeded.by_phone("0900000000") is None
    assert seeded.by_phone("") is None  # the people without a phone are not all found by ""


def test_a_phone_shared_by_two_citizens_finds_nobody(seeded: SqlIdentityBackend) -> None:
    seeded.put(dataclasses.replace(BY_ID[seed.KHANG], phone=BY_ID[seed.HUNG].phone))
    assert seeded.by_phone(BY_ID[seed.HUNG].phone) is None


@pytest.mark.parametrize(
    "hostile",
    [
        "' OR '1'='1",
        "022094017326' OR '1'='1",
        "022094017326; DROP TABLE citizens",
        "%",
        "_" * 12,
        "0220940173%",
        "02209401732_",
        "\x00" * 12,
        "022094017326\x00",
    ],
)
def test_injection_strings_find_nobody(seeded: SqlIdentityBackend, hostile: str) -> None:
    assert seeded.get(hostile) is None
    assert seeded.by_phone(hostile) is None
    assert seeded.count() == len(CITIZENS)


def test_an_unknown_id_number_is_none(seeded: SqlIdentityBackend) -> None:
    assert seeded.get("022000000000") is None


def test_database_errors_become_unavailable(tmp_path) -> None:
    backend = SqlIdentityBackend(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no schema
    with pytest.raises(IdentityUnavailable) as caught:
        backend.get(seed.HUNG)
    assert "sqlite" not in str(caught.value) and seed.HUNG not in str(caught.value)
    assert not SqlIdentityBackend("postgresql+psycopg://nobody@127.0.0.1:1/none").healthy()


def test_repr_hides_the_url() -> None:
    backend = SqlIdentityBackend("postgresql+psycopg://user:s3cret@db.example/identity")
    assert "s3cret" not in repr(backend) and "db.example" not in repr(backend)


def test_default_url_is_in_the_cache_dir(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path))
    assert default_identity_sqlite_url() == f"sqlite:///{tmp_path.resolve() / 'identity.sqlite3'}"


def test_seed_main_prints_the_demo(tmp_path) -> None:
    lines: list[str] = []
    assert seed.main(["--url", f"sqlite:///{tmp_path / 'x.sqlite3'}"], out=lines.append) == 0
    assert len(lines) == 1 + len(DEMO_CITIZENS)
    assert any(seed.HUNG in line and "1.001193" in line for line in lines)
