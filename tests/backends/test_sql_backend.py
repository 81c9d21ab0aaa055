"""The SQL backend on SQLite and on PostgreSQL (see conftest.py): seed, look up, change, list changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from backends.dossiers.base import BackendUnavailable, DossierBackend
from backends.dossiers.codes import normalize_dossier_code, province_of
from backends.dossiers.model import VN_TZ, DossierStatus, PaymentRequest, SupplementRequest
from backends.dossiers.seed import PROCEDURES, demo_dossiers, ensure_demo_backend, main, seed_demo
from backends.dossiers.sql import DossierRow, SqlDossierBackend, StatusEventRow, default_sqlite_url

LONG_AGO = datetime(2000, 1, 1, tzinfo=VN_TZ)
CATALOGUE = Path(__file__).resolve().parents[2] / "knowledge_base" / "data" / "catalogue.jsonl"

INJECTIONS = [
    "'; DROP TABLE dossiers;--",
    "000.00.12.H49-260310-0005' OR '1'='1",
    "' OR 1=1 --",
    '"; DELETE FROM dossier_status_events; --',
    "000.00.12.H49-260310-0005; DROP TABLE dossiers",
    "%",
    "_",
    "*",
    "\x00",
    "<script>alert(1)</script>",
    "🙂" * 20,
    "x" * 10_000,
]


def _count(backend: SqlDossierBackend, model: type) -> int:
    with backend.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_it_is_a_dossier_backend(backend: SqlDossierBackend) -> None:
    assert isinstance(backend, DossierBackend)


def test_no_engine_before_first_use() -> None:
    backend = SqlDossierBackend("postgresql+psycopg://someone:s3cret-pass@10.255.255.1:5432/nowhere")
    assert backend._engine is None
    assert "s3cret-pass" not in repr(backend)


def test_seed_is_idempotent(backend: SqlDossierBackend, now: datetime) -> None:
    first = seed_demo(backend, now)
    events = _count(backend, StatusEventRow)
    # Seeding again (even with another "now") finds the demo and inserts nothing.
    again = seed_demo(backend, now + timedelta(days=3))
    assert again == first
    assert _count(backend, DossierRow) == len(first)
    assert _count(backend, StatusEventRow) == events
    assert len(backend.changed_since(LONG_AGO)) == len(first)


def test_seed_reset_rebuilds_around_the_new_now(backend: SqlDossierBackend, now: datetime) -> None:
    first = seed_demo(backend, now)
    later = now + timedelta(days=40)
    rebuilt = seed_demo(backend, later, reset=True)
    assert len(rebuilt) == len(first)
    assert {d.code for d in rebuilt}.isdisjoint({d.code for d in first})
    assert _count(backend, DossierRow) == len(first)
    assert all(backend.get(d.code) is None for d in first)
    assert all(backend.get(d.code) is not None for d in rebuilt)


def test_every_national_status_is_in_the_demo(backend: SqlDossierBackend, now: datetime) -> None:
    demos = seed_demo(backend, now)
    assert {d.status for d in demos} == set(DossierStatus)
    assert {backend.get(d.code).status for d in demos} == set(DossierStatus)  # type: ignore[union-attr]


def test_get_returns_the_whole_dossier(backend: SqlDossierBackend, now: datetime) -> None:
    demos = seed_demo(backend, now)
    expected = {dossier.code: dossier for dossier, _ in demo_dossiers(now)}
    for demo in demos:
        got = backend.get(demo.code)
        assert got is not None
        assert got == expected[demo.code]  # every field, personal data, history, supplement and payment
        assert got.status is demo.status
        assert [e.at for e in got.history] == sorted(e.at for e in got.history)
        assert got.history[-1].status is got.status
        assert got.updated_at == got.history[-1].at
        for moment in (got.updated_at, got.received_at, got.due_at, got.completed_at, *[e.at for e in got.history]):
            if moment is not None:
                assert moment.tzinfo == VN_TZ
        assert got.applicant_phone.endswith(demo.verification)


def test_demo_shape(backend: SqlDossierBackend, now: datetime) -> None:
    demos = seed_demo(backend, now)
    dossiers = [backend.get(d.code) for d in demos]
    assert all(d is not None for d in dossiers)
    today = now.date()
    assert all(province_of(d.code) == "H49" for d in dossiers)  # type: ignore[union-attr]
    assert {d.procedure_code for d in dossiers} >= {  # type: ignore[union-attr]
        "1.001193", "1.000894", "1.004222", "2.000815", "1.001612", "1.014063",
    }  # fmt: skip
    supplements = [d.supplement for d in dossiers if d.supplement is not None]  # type: ignore[union-attr]
    assert len(supplements) >= 2
    assert all(s.documents and s.deadline > today for s in supplements)
    assert today + timedelta(days=2) in {s.deadline for s in supplements}
    payments = [d for d in dossiers if d.payment is not None]  # type: ignore[union-attr]
    assert len(payments) >= 1 and all(d.status is DossierStatus.PAYMENT_REQUESTED for d in payments)  # type: ignore[union-attr]
    assert all(p.payment.amount_vnd > 0 for p in payments)  # type: ignore[union-attr]
    open_dossiers = [d for d in dossiers if d.due_at is not None and not d.status.is_closed]  # type: ignore[union-attr]
    assert sum(d.is_overdue(now) for d in open_dossiers) >= 2  # type: ignore[union-attr]
    due_days = {(d.due_at.date() - today).days for d in open_dossiers if d.status is not DossierStatus.COMPLETED}  # type: ignore[union-attr]
    assert 1 in due_days  # due tomorrow
    assert any(5 <= days <= 8 for days in due_days)  # next week
    assert {d.method for d in dossiers} == {"in_person", "online", "postal"}  # type: ignore[union-attr]
    for d in dossiers:
        assert len(d.applicant_id_number) == 12 and d.applicant_id_number.isdigit()  # type: ignore[union-attr]
        assert len(d.applicant_phone) == 10 and d.applicant_phone.startswith("0")  # type: ignore[union-attr]
    # Daily counters: the YYMMDD part is the day the dossier was registered.
    for d in dossiers:
        assert d.code.split("-")[1] == f"{d.history[0].at:%y%m%d}"  # type: ignore[union-attr]
    assert len({d.verification for d in demos}) == len(demos)


def test_demo_procedures_are_catalogue_entries() -> None:
    if not CATALOGUE.exists():
        pytest.skip("knowledge_base/data/catalogue.jsonl not in this checkout")
    names = {}
    with CATALOGUE.open(encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            names[entry["code"]] = entry["name"]
    for code, name in PROCEDURES.items():
        assert names.get(code) == name, code


def test_unknown_or_messy_codes(backend: SqlDossierBackend, now: datetime) -> None:
    demos = seed_demo(backend, now)
    assert backend.get("000.00.12.H49-200101-0001") is None
    assert backend.get("000.00.01.H01-260310-0005") is None  # another province
    messy = demos[0].code.lower().replace("-", " ").replace(".", " ", 1)
    assert normalize_dossier_code(messy) == demos[0].code
    got = backend.get(messy)
    assert got is not None and got.code == demos[0].code


@pytest.mark.parametrize("attack", INJECTIONS)
def test_injection_strings_are_just_unknown_codes(backend: SqlDossierBackend, now: datetime, attack: str) -> None:
    demos = seed_demo(backend, now)
    assert backend.get(attack) is None
    with pytest.raises(LookupError):
        backend.set_status(attack, DossierStatus.PROCESSING, now + timedelta(minutes=1))
    # Nothing was dropped, deleted or changed.
    assert _count(backend, DossierRow) == len(demos)
    assert backend.get(demos[0].code) is not None
    assert backend.changed_since(now) == []


def test_changed_since_returns_exactly_what_changed(backend: SqlDossierBackend, now: datetime) -> None:
    demos = seed_demo(backend, now)
    assert backend.changed_since(now) == []
    by_status = {d.status: d.code for d in demos}
    first, second = by_status[DossierStatus.NEW], by_status[DossierStatus.RECEIVED]
    t1, t2 = now + timedelta(minutes=5), now + timedelta(minutes=9)

    changed = backend.set_status(first, DossierStatus.RECEIVED, t1, note="Đã kiểm tra, tiếp nhận")
    assert changed.status is DossierStatus.RECEIVED and changed.received_at == t1 and changed.updated_at == t1
    backend.set_status(second, "processing", t2)

    assert [d.code for d in backend.changed_since(now)] == [first, second]
    assert [d.code for d in backend.changed_since(t1)] == [second]
    assert backend.changed_since(t2) == []
    # The same instant in another zone is the same instant.
    assert [d.code for d in backend.changed_since(t1.astimezone(UTC))] == [second]
    latest = backend.get(first)
    assert latest is not None
    assert [e.status for e in latest.history] == [DossierStatus.NEW, DossierStatus.RECEIVED]
    assert latest.history[-1].note == "Đã kiểm tra, tiếp nhận"
    assert latest.current_step == DossierStatus.RECEIVED.label_vi


def test_changed_since_needs_an_aware_datetime(backend: SqlDossierBackend, now: datetime) -> None:
    seed_demo(backend, now)
    with pytest.raises(ValueError):
        backend.changed_since(datetime(2026, 1, 1))


def test_supplement_and_payment_requests_open_and_close(backend: SqlDossierBackend, now: datetime) -> None:
    demos = seed_demo(backend, now)
    code = next(d.code for d in demos if d.status is DossierStatus.PROCESSING)
    ask = SupplementRequest(
        ("Tờ khai đã ký", "Bản sao giấy chứng sinh"), (now + timedelta(days=5)).date(), "Nộp tại một cửa"
    )
    dossier = backend.set_status(code, DossierStatus.SUPPLEMENT_REQUESTED, now + timedelta(minutes=1), supplement=ask)
    assert dossier.supplement == ask

    dossier = backend.set_status(
        code, DossierStatus.PROCESSING, now + timedelta(minutes=2), current_step="Thẩm định lại"
    )
    assert dossier.supplement is None and dossier.current_step == "Thẩm định lại"

    fee = PaymentRequest(50_000, (now + timedelta(days=3)).date(), "Lệ phí")
    dossier = backend.set_status(code, DossierStatus.PAYMENT_REQUESTED, now + timedelta(minutes=3), payment=fee)
    assert dossier.payment == fee and dossier.supplement is None

    dossier = backend.set_status(code, DossierStatus.COMPLETED, now + timedelta(minutes=4))
    assert dossier.payment is None and dossier.completed_at == now + timedelta(minutes=4)
    assert [e.status for e in dossier.history][-4:] == [
        DossierStatus.SUPPLEMENT_REQUESTED,
        DossierStatus.PROCESSING,
        DossierStatus.PAYMENT_REQUESTED,
        DossierStatus.COMPLETED,
    ]


def test_set_status_refuses_inconsistent_changes(backend: SqlDossierBackend, now: datetime) -> None:
    demos = seed_demo(backend, now)
    code = demos[0].code
    later = now + timedelta(minutes=1)
    ask = SupplementRequest(("Tờ khai",), later.date())
    with pytest.raises(ValueError):
        backend.set_status(code, DossierStatus.SUPPLEMENT_REQUESTED, later)  # no SupplementRequest
    with pytest.raises(ValueError):
        backend.set_status(code, DossierStatus.PROCESSING, later, supplement=ask)
    with pytest.raises(ValueError):
        backend.set_status(code, DossierStatus.PAYMENT_REQUESTED, later)
    with pytest.raises(ValueError):
        backend.set_status(code, DossierStatus.PROCESSING, datetime(2026, 3, 10, 11, 0))  # naive
    with pytest.raises(ValueError):
        backend.set_status(code, "done", later)
    with pytest.raises(LookupError):
        backend.set_status("000.00.12.H49-200101-0001", DossierStatus.PROCESSING, later)
    assert backend.changed_since(now) == []


def test_repr_hides_personal_data(backend: SqlDossierBackend, now: datetime) -> None:
    seed_demo(backend, now)
    for dossier, _ in demo_dossiers(now):
        stored = backend.get(dossier.code)
        assert stored is not None
        for shown in (repr(stored), str(stored), repr([stored]), f"{stored}"):
            assert stored.code in shown
            for secret in (stored.applicant_name, stored.applicant_phone, stored.applicant_id_number):
                assert secret not in shown


def test_healthy(backend: SqlDossierBackend, now: datetime) -> None:
    seed_demo(backend, now)
    assert backend.healthy() is True


def test_an_unreachable_database_is_unavailable_not_a_crash() -> None:
    down = SqlDossierBackend("postgresql+psycopg://postgres@127.0.0.1:9/nothing?connect_timeout=2")
    assert down.healthy() is False
    with pytest.raises(BackendUnavailable) as raised:
        down.get("000.00.12.H49-260310-0005")
    assert "127.0.0.1" not in str(raised.value)
    with pytest.raises(BackendUnavailable):
        down.changed_since(LONG_AGO)
    # Invalid codes never reach the database.
    assert down.get("'; DROP TABLE--") is None


def test_ensure_demo_backend_uses_the_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path / "cache"))
    assert default_sqlite_url() == f"sqlite:///{tmp_path / 'cache' / 'dossiers.sqlite3'}"
    backend = ensure_demo_backend()
    try:
        assert (tmp_path / "cache" / "dossiers.sqlite3").exists()
        codes = [d.code for d in backend.changed_since(LONG_AGO)]
        assert len(codes) == len(set(codes)) >= 10
    finally:
        backend.close()
    again = ensure_demo_backend()  # a second start finds the same demo
    try:
        assert sorted(d.code for d in again.changed_since(LONG_AGO)) == sorted(codes)
    finally:
        again.close()


def test_seed_command_lists_codes_and_answers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    lines: list[str] = []
    assert main(["--url", url], out=lines.append) == 0
    backend = SqlDossierBackend(url)
    try:
        for dossier in backend.changed_since(LONG_AGO):
            assert any(line.startswith(dossier.code) and f" {dossier.applicant_phone[-4:]} " in line for line in lines)
    finally:
        backend.close()
