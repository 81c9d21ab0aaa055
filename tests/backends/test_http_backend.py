"""The HTTP backend against a fake provincial API over real HTTP on 127.0.0.1 (tests/backends/fake_province.py)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from backends.dossiers.base import BackendUnavailable, DossierBackend
from backends.dossiers.http import HttpDossierBackend
from backends.dossiers.model import VN_TZ, Dossier, DossierStatus
from backends.dossiers.seed import demo_dossiers

from .conftest import NOW, serving
from .fake_province import API_KEY, FakeProvince, dossier_json, start

DEMO: list[Dossier] = [dossier for dossier, _ in demo_dossiers(NOW)]
SUPPLEMENT = next(d for d in DEMO if d.status is DossierStatus.SUPPLEMENT_REQUESTED)
PAYMENT = next(d for d in DEMO if d.status is DossierStatus.PAYMENT_REQUESTED)


@pytest.fixture
def province() -> FakeProvince:
    return FakeProvince(dossiers={d.code: dossier_json(d) for d in DEMO})


@pytest.fixture
def base_url(province: FakeProvince) -> Iterator[str]:
    with serving(start(province)) as url:
        yield url


def client(base_url: str, key: str = API_KEY, **kwargs: object) -> HttpDossierBackend:
    kwargs.setdefault("timeout", (2.0, 5.0))
    return HttpDossierBackend(base_url, key, **kwargs)  # type: ignore[arg-type]


def _personal(dossier: Dossier) -> tuple[str, ...]:
    return (dossier.applicant_name, dossier.applicant_phone, dossier.applicant_id_number)


def test_it_is_a_dossier_backend(base_url: str) -> None:
    assert isinstance(client(base_url), DossierBackend)


def test_get_reads_the_whole_dossier(base_url: str, province: FakeProvince) -> None:
    backend = client(base_url)
    for expected in DEMO:
        got = backend.get(expected.code)
        assert got == expected
        assert got is not None and got.updated_at.tzinfo == VN_TZ
    assert backend.get(SUPPLEMENT.code).supplement == SUPPLEMENT.supplement  # type: ignore[union-attr]
    assert backend.get(PAYMENT.code).payment == PAYMENT.payment  # type: ignore[union-attr]
    assert all(seen.api_key == API_KEY for seen in province.seen)


def test_get_sends_the_canonical_code(base_url: str, province: FakeProvince) -> None:
    messy = SUPPLEMENT.code.lower().replace("-", " ")
    assert client(base_url).get(messy) == SUPPLEMENT
    assert province.seen[-1].path == f"/api/dossiers/{SUPPLEMENT.code}"


def test_unknown_code_is_none(base_url: str) -> None:
    assert client(base_url).get("000.00.12.H49-200101-0001") is None


@pytest.mark.parametrize("code", ["'; DROP TABLE--", "../../etc/passwd", "000.00.12.H49-260310-0005/../x", ""])
def test_non_codes_never_reach_the_server(base_url: str, province: FakeProvince, code: str) -> None:
    assert client(base_url).get(code) is None
    assert province.seen == []


def test_wrong_key_is_unavailable_and_the_key_is_not_in_the_message(base_url: str) -> None:
    wrong = "wrong-key-5c1e0a9f7d"
    with pytest.raises(BackendUnavailable) as raised:
        client(base_url, key=wrong).get(DEMO[0].code)
    assert "401" in str(raised.value)
    assert wrong not in str(raised.value)
    assert wrong not in repr(client(base_url, key=wrong))


def test_retries_503_then_succeeds(base_url: str, province: FakeProvince) -> None:
    province.fail_times = 2
    assert client(base_url, retries=2).get(DEMO[1].code) == DEMO[1]
    assert len(province.seen) == 3


def test_retries_429(base_url: str, province: FakeProvince) -> None:
    province.fail_times, province.fail_status = 1, 429
    assert client(base_url, retries=1).get(DEMO[1].code) == DEMO[1]
    assert len(province.seen) == 2


def test_retries_exhausted_is_unavailable(base_url: str, province: FakeProvince) -> None:
    province.fail_times = 10
    with pytest.raises(BackendUnavailable) as raised:
        client(base_url, retries=2).get(DEMO[1].code)
    assert "503" in str(raised.value)
    assert len(province.seen) == 3  # the first try and two retries


def test_a_client_error_is_not_retried(base_url: str, province: FakeProvince) -> None:
    province.fail_times, province.fail_status = 5, 400
    with pytest.raises(BackendUnavailable):
        client(base_url, retries=2).get(DEMO[1].code)
    assert len(province.seen) == 1


def test_slow_server_times_out(base_url: str, province: FakeProvince) -> None:
    province.delay = 1.0
    with pytest.raises(BackendUnavailable) as raised:
        client(base_url, timeout=(1.0, 0.2), retries=1).get(DEMO[0].code)
    assert "timed out" in str(raised.value) or "unreachable" in str(raised.value)
    assert len(province.seen) == 2  # the read timeout was retried once


def test_malformed_json_is_unavailable(base_url: str, province: FakeProvince) -> None:
    province.malformed = True
    with pytest.raises(BackendUnavailable) as raised:
        client(base_url).get(DEMO[0].code)
    assert "malformed" in str(raised.value)


@pytest.mark.parametrize(
    "change",
    [
        {"status": "done"},  # not a national status
        {"updated_at": "2026-03-10T10:00:00"},  # no offset
        {"method": "fax"},
        {"applicant": None},
        {"payment": {"amount_vnd": -5, "deadline": "2026-04-01"}},
        {"code": "not a code"},
    ],
)
def test_contract_violations_are_unavailable_without_personal_data(
    base_url: str, province: FakeProvince, change: dict[str, object]
) -> None:
    body = {**dossier_json(SUPPLEMENT), **change}
    province.body_override = json.dumps(body, ensure_ascii=False).encode()
    with pytest.raises(BackendUnavailable) as raised:
        client(base_url).get(SUPPLEMENT.code)
    message = str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    for secret in _personal(SUPPLEMENT):
        assert secret not in message


def test_an_answer_about_another_dossier_is_refused(base_url: str, province: FakeProvince) -> None:
    province.body_override = json.dumps(dossier_json(PAYMENT), ensure_ascii=False).encode()
    with pytest.raises(BackendUnavailable):
        client(base_url).get(SUPPLEMENT.code)


def test_an_oversized_answer_is_refused(base_url: str) -> None:
    with pytest.raises(BackendUnavailable):
        client(base_url, max_response_bytes=500).get(SUPPLEMENT.code)


def test_redirects_are_not_followed(base_url: str, province: FakeProvince) -> None:
    province.redirect_to = "http://127.0.0.1:9/elsewhere"
    with pytest.raises(BackendUnavailable) as raised:
        client(base_url).get(DEMO[0].code)
    assert "302" in str(raised.value)
    assert len(province.seen) == 1


def test_changed_since_passes_the_iso_timestamp(base_url: str, province: FakeProvince) -> None:
    since = NOW - timedelta(days=2, hours=1)
    got = client(base_url).changed_since(since)
    assert province.seen[-1].path == "/api/dossiers"
    sent = province.seen[-1].query["changed_since"]
    assert sent == [since.isoformat()]
    parsed = datetime.fromisoformat(sent[0])
    assert parsed == since and parsed.utcoffset() == timedelta(hours=7)
    expected = sorted((d for d in DEMO if d.updated_at > since), key=lambda d: (d.updated_at, d.code))
    assert got == expected
    assert 0 < len(got) < len(DEMO)


def test_changed_since_in_utc_is_the_same_instant(base_url: str, province: FakeProvince) -> None:
    since = (NOW - timedelta(days=2, hours=1)).astimezone(UTC)
    got = client(base_url).changed_since(since)
    assert province.seen[-1].query["changed_since"] == [since.isoformat()]
    assert [d.code for d in got] == [
        d.code for d in sorted(DEMO, key=lambda d: (d.updated_at, d.code)) if d.updated_at > since
    ]


def test_changed_since_nothing(base_url: str) -> None:
    assert client(base_url).changed_since(NOW) == []


def test_changed_since_needs_an_aware_datetime(base_url: str) -> None:
    with pytest.raises(ValueError):
        client(base_url).changed_since(datetime(2026, 3, 10))


def test_changed_since_refuses_a_malformed_list(base_url: str, province: FakeProvince) -> None:
    province.body_override = json.dumps({"items": []}).encode()
    with pytest.raises(BackendUnavailable):
        client(base_url).changed_since(NOW)


def test_healthy(base_url: str, province: FakeProvince) -> None:
    assert client(base_url).healthy() is True
    province.fail_times = 10
    assert client(base_url, retries=0).healthy() is False


def test_nobody_listening_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The port is free again: nothing listens there.
    backend = client(f"http://127.0.0.1:{port}/api", retries=1)
    assert backend.healthy() is False
    with pytest.raises(BackendUnavailable):
        backend.get(DEMO[0].code)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://dossiers.example.gov.vn/api", API_KEY),  # plain http to a remote host
        ("ftp://dossiers.example.gov.vn/api", API_KEY),
        ("dossiers.example.gov.vn/api", API_KEY),
        ("https://dossiers.example.gov.vn/api", ""),
        ("https://dossiers.example.gov.vn/api", "key\r\nX-Evil: 1"),
    ],
)
def test_bad_settings_are_refused_at_construction(url: str, key: str) -> None:
    with pytest.raises(ValueError):
        HttpDossierBackend(url, key)


def test_settings_that_are_fine() -> None:
    backend = HttpDossierBackend("https://dossiers.example.gov.vn/api/", API_KEY)
    assert backend.base_url == "https://dossiers.example.gov.vn/api"
    assert backend._session is None  # nothing created before the first request
    assert API_KEY not in repr(backend)
    HttpDossierBackend("http://10.0.0.5/api", API_KEY, allow_insecure_http=True)
    HttpDossierBackend("http://localhost:8080/api", API_KEY)
