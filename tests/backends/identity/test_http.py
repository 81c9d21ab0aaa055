"""The HTTP identity backend against a fake provider over real HTTP on 127.0.0.1 (fake_provider.py)."""

from __future__ import annotations

import socket

import pytest

from backends.identity import seed
from backends.identity.base import IdentityBackend, IdentityUnavailable
from backends.identity.http import HttpIdentityBackend
from backends.identity.seed import CITIZENS

from .fake_provider import API_KEY, FakeProvider, citizen_json, client

BY_ID = {c.id_number: c for c in CITIZENS}


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider(citizens={c.id_number: citizen_json(c) for c in CITIZENS})


def test_it_is_an_identity_backend(base_url: str) -> None:
    backend = client(base_url)
    assert isinstance(backend, IdentityBackend)
    assert backend.healthy()


def test_200_reads_every_citizen_as_stored(base_url: str) -> None:
    backend = client(base_url + "/")
    for citizen in CITIZENS:
        assert backend.get(citizen.id_number) == citizen


def test_404_is_none(base_url: str, provider: FakeProvider) -> None:
    assert client(base_url).get("022000000000") is None
    assert provider.seen == ["/api/citizens/022000000000"]


def test_hostile_id_numbers_are_never_sent(base_url: str, provider: FakeProvider) -> None:
    backend = client(base_url)
    for hostile in ("../health", "022094017326/../../admin", "' OR 1=1 --", "022094017326?x=1", ""):
        assert backend.get(hostile) is None
    assert provider.seen == []


def test_relatives_over_http(base_url: str) -> None:
    backend = client(base_url)
    son = backend.get(seed.LONG)
    assert son is not None
    family = backend.relatives(son)
    assert set(family) == {"father", "mother"}  # the spouse is not known to the provider
    assert family["father"] == BY_ID[seed.THANH]


def test_by_phone(base_url: str, provider: FakeProvider) -> None:
    backend = client(base_url)
    assert backend.by_phone("+84 913 427 586") == BY_ID[seed.HUNG]
    assert backend.by_phone("0900000000") is None
    provider.citizens[seed.KHANG] = dict(provider.citizens[seed.KHANG], phone="0913427586")
    assert backend.by_phone("0913427586") is None  # two citizens: no guess


def test_by_phone_rejects_an_answer_for_another_phone(base_url: str, provider: FakeProvider) -> None:
    provider.raw_body = b"[" + __import__("json").dumps(citizen_json(BY_ID[seed.TUAN])).encode() + b"]"
    with pytest.raises(IdentityUnavailable):
        client(base_url).by_phone("0913427586")


def test_401_is_unavailable(base_url: str) -> None:
    backend = client(base_url, key="a-wrong-key-123456")
    with pytest.raises(IdentityUnavailable, match="refused the API key"):
        backend.get(seed.HUNG)
    assert not backend.healthy()


def test_503_then_ok_is_retried(base_url: str, provider: FakeProvider) -> None:
    provider.fail_status, provider.fail_times = 503, 2
    assert client(base_url, retries=2).get(seed.HUNG) == BY_ID[seed.HUNG]
    assert provider.seen.count(f"/api/citizens/{seed.HUNG}") == 3


def test_503_beyond_the_retries_is_unavailable(base_url: str, provider: FakeProvider) -> None:
    provider.fail_status, provider.fail_times = 503, 5
    with pytest.raises(IdentityUnavailable, match="503"):
        client(base_url, retries=1).get(seed.HUNG)
    assert len(provider.seen) == 2


def test_timeout_is_unavailable(base_url: str, provider: FakeProvider) -> None:
    provider.delay = 1.0
    with pytest.raises(IdentityUnavailable, match="timed out"):
        client(base_url, timeout=(1.0, 0.2), retries=1).get(seed.HUNG)
    assert len(provider.seen) == 2  # the read timeout was retried once


def test_refused_connection_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = client(f"http://127.0.0.1:{port}/api", retries=0)
    with pytest.raises(IdentityUnavailable, match="unreachable"):
        backend.get(seed.HUNG)
    assert not backend.healthy()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"id_number": "022094017326"}',
        b'{"id_number": "022094017326", "full_name": "A", "date_of_birth": "1994-13-40", "sex": "nam",'
        b' "permanent_address": {"province": "p", "commune": "c"}}',
        b'{"id_number": "022094017326", "full_name": "A", "date_of_birth": "1994-08-12", "sex": "male",'
        b' "permanent_address": {"province": "p", "commune": "c"}}',
    ],
)
def test_malformed_or_off_contract_json_is_unavailable(base_url: str, provider: FakeProvider, body: bytes) -> None:
    provider.raw_body = body
    with pytest.raises(IdentityUnavailable) as caught:
        client(base_url).get(seed.HUNG)
    assert "022094017326" not in str(caught.value)


def test_another_citizen_than_asked_is_unavailable(base_url: str, provider: FakeProvider) -> None:
    provider.citizens[seed.HUNG] = citizen_json(BY_ID[seed.TUAN])
    with pytest.raises(IdentityUnavailable, match="another citizen"):
        client(base_url).get(seed.HUNG)


def test_minimal_citizen_uses_the_defaults(base_url: str, provider: FakeProvider) -> None:
    provider.citizens[seed.SANG] = {
        "id_number": seed.SANG,
        "full_name": "Triệu Văn Sáng",
        "date_of_birth": "1941-04-10",
        "sex": "nam",
        "permanent_address": {"province": "tỉnh Quảng Ninh", "commune": "đặc khu Vân Đồn"},
        "phone": "not a phone",
        "marital_status": "something else",
    }
    elderly = client(base_url).get(seed.SANG)
    assert elderly is not None
    assert elderly.religion == "Không" and elderly.phone == "" and elderly.marital_status == ""
    assert elderly.current_address is None and elderly.children_ids == ()


def test_configuration_is_checked() -> None:
    with pytest.raises(ValueError, match="https"):
        HttpIdentityBackend("http://identity.example.gov.vn/api", API_KEY)
    with pytest.raises(ValueError):
        HttpIdentityBackend("ftp://identity.example.gov.vn", API_KEY)
    with pytest.raises(ValueError):
        HttpIdentityBackend("https://user:pw@identity.example.gov.vn", API_KEY)
    with pytest.raises(ValueError):
        HttpIdentityBackend("https://identity.example.gov.vn", "bad\r\nkey")
    assert HttpIdentityBackend("http://identity.internal", API_KEY, allow_insecure_http=True)
    assert API_KEY not in repr(HttpIdentityBackend("https://identity.example.gov.vn", API_KEY))
