"""Fixtures of the Telegram channel tests: no network beyond 127.0.0.1, a recording Bot API, a fake Rasa."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.settings import GatewaySettings

from .fakes import API_BASE, SECRET, TOKEN, FakeRasa, RecordingRequest, serve_rasa

LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost", b"127.0.0.1", b"localhost"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any connection or DNS lookup beyond the loopback fails the test (even if the code swallowed the error)."""
    attempts: list[str] = []
    real_connect, real_connect_ex, real_getaddrinfo = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.getaddrinfo,
    )

    def local(address: Any) -> bool:
        return isinstance(address, str | bytes) or address[0] in LOCAL_HOSTS  # str/bytes: a Unix socket

    def connect(self: socket.socket, address: Any) -> None:
        if not local(address):
            attempts.append(repr(address))
            raise OSError("network disabled in tests")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not local(address):
            attempts.append(repr(address))
            raise OSError("network disabled in tests")
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and host not in LOCAL_HOSTS:
            attempts.append(repr(host))
            raise socket.gaierror("network disabled in tests")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    assert not attempts, f"a test tried to use the network: {attempts}"


@pytest.fixture
def timeline() -> list[str]:
    """Bot API calls and Rasa requests in the order they happened."""
    return []


@pytest.fixture
def bot_api(timeline: list[str]) -> Iterator[RecordingRequest]:
    recorder = RecordingRequest(timeline=timeline)
    yield recorder
    assert not recorder.unexpected, f"unexpected Bot API calls: {recorder.unexpected}"


@pytest.fixture
def rasa(timeline: list[str]) -> Iterator[FakeRasa]:
    with serve_rasa(FakeRasa(timeline)) as fake:
        yield fake


@pytest.fixture
def make_settings(rasa: FakeRasa, tmp_path: Path) -> Callable[..., GatewaySettings]:
    def make(**overrides: Any) -> GatewaySettings:
        values: dict[str, Any] = {
            "rasa_url": rasa.url,
            "rasa_timeout_s": 5.0,
            "data_dir": tmp_path,
            "telegram_bot_token": TOKEN,
            "telegram_secret_token": SECRET,
            "telegram_api_base": API_BASE,
            "zalo_app_id": None,
            "zalo_oa_secret_key": None,
            "allowed_origins": [],
        }
        values.update(overrides)
        return GatewaySettings(**values)

    return make
