"""Birth notices (giấy chứng sinh): the model, the SQL backend (SQLite and PostgreSQL), the demo seed and the HTTP
backend against the fake provider (fake_provider.py, real HTTP on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backends.identity import seed
from backends.identity.base import MAX_BIRTH_NOTICES, IdentityUnavailable
from backends.identity.model import BirthNotice, mask_id_number
from backends.identity.seed import BIRTH_NOTICES, CITIZENS, DEMO_CITIZENS, SEED_VERSION, seed_demo
from backends.identity.sql import BirthNoticeRow, IdentitySeedRow, SqlIdentityBackend

from .fake_provider import FakeProvider, client, notice_json

BY_NUMBER = {n.number: n for n in BIRTH_NOTICES}
AN = BY_NUMBER[seed.AN_NOTICE]
LAN_BABY = BY_NUMBER[seed.LAN_NOTICE]
KHANG_BIRTH = BY_NUMBER[seed.KHANG_NOTICE]
CITIZEN_BY_ID = {c.id_number: c for c in CITIZENS}

OUTSIDER_MOTHER = "031198004417"  # not in the demo database (another province)


def notice(**changes: object) -> BirthNotice:
    """A valid notice, outside the demo, with ``changes``."""
    fields: dict[str, object] = {
        "number": "QN-BVBC-2026-01873",
        "mother_id": OUTSIDER_MOTHER,
        "father_id": seed.TUAN,
        "child_name": "Phạm Gia Bảo",
        "date_of_birth": date(2026, 9, 14),
        "sex": "nam",
        "place_of_birth": "Bệnh viện Bãi Cháy, phường Bãi Cháy, tỉnh Quảng Ninh",
        "issued_by": "Bệnh viện Bãi Cháy",
        "issued_on": date(2026, 9, 15),
    }
    fields.update(changes)
    return BirthNotice(**fields)  # type: ignore[arg-type]


# -- the model ----------------------------------------------------------------------------------------------------


def test_a_valid_notice_and_its_defaults() -> None:
    made = notice(father_id=None, child_name="")
    assert made.registered is False
    assert made.parents() == (OUTSIDER_MOTHER,)
    assert notice().parents() == (OUTSIDER_MOTHER, seed.TUAN)
    assert notice(date_of_birth=date(2026, 9, 15)).date_of_birth == date(2026, 9, 15)  # issued the same day
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.registered = True  # type: ignore[misc]


@pytest.mark.parametrize(
    "change",
    [
        {"number": ""},
        {"number": "   "},
        {"number": " QN-BVBC-2026-01873"},
        {"number": "QN\n01873"},
        {"number": "Q" * 65},
        {"number": 1873},
        {"mother_id": "02219700854"},
        {"mother_id": None},
        {"mother_id": "02219700854a"},
        {"father_id": "123"},
        {"father_id": ""},
        {"father_id": OUTSIDER_MOTHER},  # the same person as the mother
        {"child_name": None},
        {"child_name": "An\x00"},
        {"child_name": "x" * 301},
        {"sex": "male"},
        {"sex": "Nam"},
        {"date_of_birth": "2026-09-14"},
        {"date_of_birth": datetime(2026, 9, 14, 8, 30)},
        {"issued_on": None},
        {"date_of_birth": date(2026, 9, 16)},  # after issued_on
        {"place_of_birth": ""},
        {"issued_by": "  "},
        {"registered": "yes"},
        {"registered": 1},
    ],
)
def test_invalid_notices_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        notice(**change)


def test_repr_and_str_hide_names_ids_and_numbers() -> None:
    for item in (*BIRTH_NOTICES, notice()):
        shown = f"{item!r} {item!s} {[item]}"
        secrets = [item.number, item.mother_id, mask_id_number(item.mother_id), item.place_of_birth]
        secrets += [item.child_name, item.father_id or "", item.date_of_birth.isoformat()]
        for secret in secrets:
            if secret:
                assert secret not in shown
        assert str(item.date_of_birth.year) not in shown
        assert "BirthNotice" in shown


# -- the SQL backend ----------------------------------------------------------------------------------------------


def test_the_newborns_notice_for_father_and_mother(seeded: SqlIdentityBackend) -> None:
    assert seeded.birth_notices(seed.HUNG) == [AN]
    assert seeded.birth_notices(seed.MAI_ANH) == [AN]
    assert seeded.birth_notices(" 0220 9401 7326 ") == [AN]  # read like get()


def test_the_registered_notice_is_never_returned(seeded: SqlIdentityBackend) -> None:
    with seeded.session() as session:
        stored = session.get(BirthNoticeRow, seed.KHANG_NOTICE)
        assert stored is not None and stored.registered  # it is there, only not returned
    for parent in (seed.HUNG, seed.MAI_ANH):
        assert KHANG_BIRTH not in seeded.birth_notices(parent)
        assert all(not n.registered for n in seeded.birth_notices(parent))


def test_a_notice_without_name_or_father(seeded: SqlIdentityBackend) -> None:
    found = seeded.birth_notices(seed.LAN)
    assert found == [LAN_BABY]
    assert found[0].child_name == "" and found[0].father_id is None


def test_parents_without_waiting_notices_get_none(seeded: SqlIdentityBackend) -> None:
    for id_number in (seed.KHANG, seed.TUAN, seed.TRANG, seed.HANH, seed.SANG, "022000000000"):
        assert seeded.birth_notices(id_number) == []


def test_round_trip_of_every_field(seeded: SqlIdentityBackend) -> None:
    full = notice()
    seeded.put_birth_notice(full)
    assert seeded.birth_notices(OUTSIDER_MOTHER) == [full]
    nameless = notice(number="QN-TTYT-2026-00041", father_id=None, child_name="", sex="nữ")
    seeded.put_birth_notice(nameless)
    assert nameless in seeded.birth_notices(OUTSIDER_MOTHER)
    back = next(n for n in seeded.birth_notices(OUTSIDER_MOTHER) if n.number == nameless.number)
    assert back.father_id is None and back.child_name == "" and back.sex == "nữ"


def test_the_father_alone_finds_the_notice(seeded: SqlIdentityBackend) -> None:
    seeded.put_birth_notice(notice())  # the mother is not in this database
    assert seeded.birth_notices(seed.TUAN) == [notice()]
    assert seeded.birth_notices(OUTSIDER_MOTHER) == [notice()]


def test_registering_replaces_the_notice_and_hides_it(seeded: SqlIdentityBackend) -> None:
    seeded.put_birth_notice(notice())
    seeded.put_birth_notice(notice(registered=True))
    assert seeded.birth_notices(seed.TUAN) == []
    with seeded.session() as session:
        assert session.scalar(select(func.count()).select_from(BirthNoticeRow)) == len(BIRTH_NOTICES) + 1


def test_newest_birth_first_then_by_number(seeded: SqlIdentityBackend) -> None:
    oldest = notice(number="N-1", date_of_birth=date(2025, 1, 3), issued_on=date(2025, 1, 4))
    twin_b = notice(number="N-3", date_of_birth=date(2026, 9, 14))
    twin_a = notice(number="N-2", date_of_birth=date(2026, 9, 14))
    middle = notice(number="N-0", date_of_birth=date(2026, 2, 1), issued_on=date(2026, 2, 2))
    for item in (oldest, twin_b, middle, twin_a):
        seeded.put_birth_notice(item)
    assert [n.number for n in seeded.birth_notices(seed.TUAN)] == ["N-2", "N-3", "N-0", "N-1"]


def test_at_most_the_cap_newest_first(seeded: SqlIdentityBackend) -> None:
    for day in range(1, MAX_BIRTH_NOTICES + 4):
        seeded.put_birth_notice(notice(number=f"N-{day:02d}", date_of_birth=date(2026, 8, day)))
    found = seeded.birth_notices(seed.TUAN)
    assert len(found) == MAX_BIRTH_NOTICES
    assert found[0].number == f"N-{MAX_BIRTH_NOTICES + 3:02d}"


@pytest.mark.parametrize(
    "hostile",
    [
        "",
        "' OR '1'='1",
        "022197008541' OR '1'='1",
        "%",
        "_" * 12,
        "02219700854_",
        "0221970085%",
        "022197008541\x00",
        "02219700854",
        None,
        "1" * 10_000,
    ],
)
def test_not_an_id_number_finds_nothing(seeded: SqlIdentityBackend, hostile: str) -> None:
    assert seeded.birth_notices(hostile) == []


def test_database_errors_become_unavailable(tmp_path: Path) -> None:
    backend = SqlIdentityBackend(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # no schema
    with pytest.raises(IdentityUnavailable) as caught:
        backend.birth_notices(seed.HUNG)
    assert seed.HUNG not in str(caught.value) and "sqlite" not in str(caught.value)


def test_a_row_that_breaks_the_model_is_unavailable(seeded: SqlIdentityBackend) -> None:
    with seeded.session() as session, session.begin():
        session.add(
            BirthNoticeRow(
                number="BROKEN-1",
                mother_id=seed.TRANG,
                father_id=None,
                child_name="",
                date_of_birth=date(2026, 5, 2),
                sex="nữ",
                place_of_birth="p",
                issued_by="f",
                issued_on=date(2026, 5, 1),  # before the birth
                registered=False,
            )
        )
    with pytest.raises(IdentityUnavailable) as caught:
        seeded.birth_notices(seed.TRANG)
    assert seed.TRANG not in str(caught.value)


# -- the seed -----------------------------------------------------------------------------------------------------


def test_the_seeded_newborn_notice_is_as_specified() -> None:
    expected = BirthNotice(
        number=seed.AN_NOTICE,
        mother_id=seed.MAI_ANH,
        father_id=seed.HUNG,
        child_name="Nguyễn Minh An",
        date_of_birth=date(2026, 11, 24),
        sex="nam",
        place_of_birth="Bệnh viện Sản Nhi Quảng Ninh, phường Hồng Gai, tỉnh Quảng Ninh",
        issued_by="Bệnh viện Sản Nhi Quảng Ninh",
        issued_on=date(2026, 11, 26),
        registered=False,
    )
    assert expected == AN


def test_the_other_seeded_notices() -> None:
    assert len(BY_NUMBER) == len(BIRTH_NOTICES) == 3
    assert LAN_BABY.child_name == "" and not LAN_BABY.registered
    assert CITIZEN_BY_ID[LAN_BABY.mother_id].sex == "nữ"
    assert [n.number for n in BIRTH_NOTICES if n.registered] == [seed.KHANG_NOTICE]
    khang = CITIZEN_BY_ID[seed.KHANG]
    assert (KHANG_BIRTH.mother_id, KHANG_BIRTH.father_id) == (khang.mother_id, khang.father_id)
    assert (KHANG_BIRTH.child_name, KHANG_BIRTH.date_of_birth) == (khang.full_name, khang.date_of_birth)
    for item in BIRTH_NOTICES:
        assert CITIZEN_BY_ID[item.mother_id].sex == "nữ"
        assert item.father_id is None or CITIZEN_BY_ID[item.father_id].sex == "nam"


def test_the_scenarios_mention_the_newborns() -> None:
    scenarios = {d.id_number: d.scenario for d in DEMO_CITIZENS}
    for item in BIRTH_NOTICES:
        if not item.registered:
            for parent in item.parents():
                assert "newborn" in scenarios[parent]


def test_reseeding_the_notices_is_idempotent(seeded: SqlIdentityBackend) -> None:
    seed_demo(seeded)
    seed_demo(seeded)
    with seeded.session() as session:
        assert session.scalar(select(func.count()).select_from(BirthNoticeRow)) == len(BIRTH_NOTICES)
        marker = session.get(IdentitySeedRow, 1)
        assert marker is not None and marker.version == SEED_VERSION
    assert seeded.birth_notices(seed.HUNG) == [AN]


def test_reseeding_keeps_a_registration_unless_reset(seeded: SqlIdentityBackend) -> None:
    seeded.put_birth_notice(dataclasses.replace(AN, registered=True))
    seed_demo(seeded)
    assert seeded.birth_notices(seed.HUNG) == []
    seed_demo(seeded, reset=True)
    assert seeded.birth_notices(seed.HUNG) == [AN]


def test_reseeding_puts_back_a_missing_notice(seeded: SqlIdentityBackend) -> None:
    with seeded.session() as session, session.begin():
        session.delete(session.get(BirthNoticeRow, seed.LAN_NOTICE))
    assert seeded.birth_notices(seed.LAN) == []
    seed_demo(seeded)
    assert seeded.birth_notices(seed.LAN) == [LAN_BABY]


def test_a_cache_seeded_before_the_notices_is_upgraded(seeded: SqlIdentityBackend) -> None:
    assert SEED_VERSION >= 2
    BirthNoticeRow.__table__.drop(seeded.db.engine)  # what a version-1 cache looks like
    with seeded.session() as session, session.begin():
        marker = session.get(IdentitySeedRow, 1)
        assert marker is not None
        marker.version = 1
    with pytest.raises(IdentityUnavailable):
        seeded.birth_notices(seed.HUNG)
    seed_demo(seeded)
    assert seeded.birth_notices(seed.HUNG) == [AN]
    assert seeded.birth_notices(seed.LAN) == [LAN_BABY]
    with seeded.session() as session:
        assert session.get(IdentitySeedRow, 1).version == SEED_VERSION  # type: ignore[union-attr]


# -- the HTTP backend ---------------------------------------------------------------------------------------------


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider(notices=[notice_json(n) for n in BIRTH_NOTICES])


def body(*items: BirthNotice | dict[str, object]) -> bytes:
    return json.dumps([i if isinstance(i, dict) else notice_json(i) for i in items], ensure_ascii=False).encode()


def test_http_reads_the_notices_as_stored(base_url: str, provider: FakeProvider) -> None:
    backend = client(base_url + "/")
    assert backend.birth_notices(seed.HUNG) == [AN]
    assert backend.birth_notices(seed.MAI_ANH) == [AN]
    assert backend.birth_notices(seed.LAN) == [LAN_BABY]  # "child_name": null → ""
    assert backend.birth_notices(seed.TUAN) == []
    assert provider.seen == ["/api/birth-notices"] * 4
    assert [q["parent_id"] for q in provider.queries] == [[seed.HUNG], [seed.MAI_ANH], [seed.LAN], [seed.TUAN]]


def test_http_sends_the_id_number_normalised(base_url: str, provider: FakeProvider) -> None:
    assert client(base_url).birth_notices("0220 9401 7326") == [AN]
    assert provider.queries == [{"parent_id": [seed.HUNG]}]


def test_http_hostile_ids_are_never_sent(base_url: str, provider: FakeProvider) -> None:
    backend = client(base_url)
    for hostile in ("", "../health", "022094017326&parent_id=022197008541", "' OR 1=1 --", "02209401732"):
        assert backend.birth_notices(hostile) == []
    assert provider.seen == []


def test_http_404_is_none(base_url: str, provider: FakeProvider) -> None:
    assert client(base_url + "/elsewhere").birth_notices(seed.HUNG) == []  # the fake answers 404 there
    assert provider.seen == ["/api/elsewhere/birth-notices"]


def test_http_leaves_out_registered_notices_sent_anyway(base_url: str, provider: FakeProvider) -> None:
    provider.raw_body = body(KHANG_BIRTH, AN)
    assert client(base_url).birth_notices(seed.HUNG) == [AN]


def test_http_orders_newest_birth_first(base_url: str, provider: FakeProvider) -> None:
    older = notice(number="N-1", date_of_birth=date(2025, 1, 3), issued_on=date(2025, 1, 4))
    twin_b = notice(number="N-3")
    twin_a = notice(number="N-2")
    provider.raw_body = body(older, twin_b, twin_a)
    assert [n.number for n in client(base_url).birth_notices(seed.TUAN)] == ["N-2", "N-3", "N-1"]


def test_http_a_notice_of_another_parent_is_unavailable(base_url: str, provider: FakeProvider) -> None:
    provider.raw_body = body(AN, LAN_BABY)
    with pytest.raises(IdentityUnavailable, match="another parent") as caught:
        client(base_url).birth_notices(seed.HUNG)
    assert seed.HUNG not in str(caught.value) and seed.LAN not in str(caught.value)


def _off_contract_bodies() -> list[bytes]:
    good = notice_json(AN)
    return [
        b"{not json",
        b"\xff\xfe\x00",
        b"{}",
        b'"QN-BVSN-2026-04127"',
        b"[1, 2]",
        b'[{"number": "QN-BVSN-2026-04127"}]',
        body(dict(good, sex="male")),
        body(dict(good, date_of_birth="2026-13-40")),
        body(dict(good, date_of_birth="2026-11-27")),  # after issued_on
        body(dict(good, registered="false")),  # a string, not a JSON boolean
        body(dict(good, mother_id="02219700854")),
        body(dict(good, father_id=seed.MAI_ANH)),  # the mother twice
        body(dict(good, number="")),
        body(dict(good, number="N" * 65)),
        body(dict(good, place_of_birth="x" * 301)),
        body(dict(good, issued_by=None)),
        body(good, good),  # the same notice twice
        body(*[dict(good, number=f"N-{i}") for i in range(MAX_BIRTH_NOTICES + 1)]),
    ]


@pytest.mark.parametrize("raw", _off_contract_bodies())
def test_http_malformed_or_off_contract_json_is_unavailable(base_url: str, provider: FakeProvider, raw: bytes) -> None:
    provider.raw_body = raw
    with pytest.raises(IdentityUnavailable) as caught:
        client(base_url).birth_notices(seed.HUNG)
    assert seed.HUNG not in str(caught.value) and "Minh An" not in str(caught.value)


def test_http_the_cap_itself_is_accepted(base_url: str, provider: FakeProvider) -> None:
    good = notice_json(AN)
    provider.raw_body = body(*[dict(good, number=f"N-{i:02d}") for i in range(MAX_BIRTH_NOTICES)])
    assert len(client(base_url).birth_notices(seed.HUNG)) == MAX_BIRTH_NOTICES


def test_http_timeout_is_unavailable(base_url: str, provider: FakeProvider) -> None:
    provider.delay = 1.0
    with pytest.raises(IdentityUnavailable, match="timed out"):
        client(base_url, timeout=(1.0, 0.2), retries=0).birth_notices(seed.HUNG)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_http_5xx_beyond_the_retries_is_unavailable(base_url: str, provider: FakeProvider, status: int) -> None:
    provider.fail_status, provider.fail_times = status, 5
    with pytest.raises(IdentityUnavailable, match=str(status)):
        client(base_url, retries=1).birth_notices(seed.HUNG)
    assert provider.seen == ["/api/birth-notices"] * 2


def test_http_503_then_ok_is_retried(base_url: str, provider: FakeProvider) -> None:
    provider.fail_status, provider.fail_times = 503, 1
    assert client(base_url, retries=1).birth_notices(seed.HUNG) == [AN]


def test_http_refused_key_is_unavailable(base_url: str) -> None:
    with pytest.raises(IdentityUnavailable, match="refused the API key"):
        client(base_url, key="a-wrong-key-123456").birth_notices(seed.HUNG)
