"""Choosing the identity backend from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from backends.identity import seed
from backends.identity.factory import (
    consent_store_from_env,
    identity_backend_from_env,
    looks_like_placeholder,
    otp_service_from_env,
)
from backends.identity.http import HttpIdentityBackend
from backends.identity.sql import SqlIdentityBackend

VARS = (
    "MOTCUA_IDENTITY_BACKEND",
    "MOTCUA_IDENTITY_DB_URL",
    "MOTCUA_IDENTITY_API_URL",
    "MOTCUA_IDENTITY_API_KEY",
    "MOTCUA_IDENTITY_API_ALLOW_HTTP",
    "MOTCUA_IDENTITY_STATE_URL",
    "MOTCUA_IDENTITY_STATE_PEPPER",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path))


def test_default_is_the_seeded_sqlite_demo(tmp_path: Path) -> None:
    backend = identity_backend_from_env()
    assert isinstance(backend, SqlIdentityBackend)
    assert backend.get(seed.HUNG) is not None
    assert (tmp_path / "identity.sqlite3").exists()
    backend.close()


def test_sql_needs_a_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MOTCUA_IDENTITY_BACKEND", "sql")
    with pytest.raises(ValueError, match="MOTCUA_IDENTITY_DB_URL"):
        identity_backend_from_env()
    monkeypatch.setenv("MOTCUA_IDENTITY_DB_URL", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    backend = identity_backend_from_env()
    assert isinstance(backend, SqlIdentityBackend)
    assert not (tmp_path / "other.sqlite3").exists()  # nothing done until first use, no demo seeding


def test_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_IDENTITY_BACKEND", "HTTP")
    with pytest.raises(ValueError, match="MOTCUA_IDENTITY_API_URL"):
        identity_backend_from_env()
    monkeypatch.setenv("MOTCUA_IDENTITY_API_URL", "https://identity.example.gov.vn/api/v1")
    with pytest.raises(ValueError, match="MOTCUA_IDENTITY_API_KEY"):
        identity_backend_from_env()
    real = "k9Vq2x7LmT4pR8wZ3nB6"
    monkeypatch.setenv("MOTCUA_IDENTITY_API_KEY", real)
    backend = identity_backend_from_env()
    assert isinstance(backend, HttpIdentityBackend)
    monkeypatch.setenv("MOTCUA_IDENTITY_API_URL", "http://10.0.0.5/api")
    with pytest.raises(ValueError, match="https"):
        identity_backend_from_env()
    monkeypatch.setenv("MOTCUA_IDENTITY_API_ALLOW_HTTP", "1")
    assert isinstance(identity_backend_from_env(), HttpIdentityBackend)


@pytest.mark.parametrize(
    "key", ["changeme", "<api key>", "${IDENTITY_KEY}", "xxxxxxxxxxxxxxxx", "****************", "your-api-key-here"]
)
def test_placeholder_keys_are_refused(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    monkeypatch.setenv("MOTCUA_IDENTITY_BACKEND", "http")
    monkeypatch.setenv("MOTCUA_IDENTITY_API_URL", "https://identity.example.gov.vn/api/v1")
    monkeypatch.setenv("MOTCUA_IDENTITY_API_KEY", key)
    with pytest.raises(ValueError, match="placeholder") as caught:
        identity_backend_from_env()
    assert key not in str(caught.value)


def test_placeholder_detection() -> None:
    assert looks_like_placeholder("short")
    assert not looks_like_placeholder("k9Vq2x7LmT4pR8wZ3nB6")


def test_unknown_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_IDENTITY_BACKEND", "ldap")
    with pytest.raises(ValueError, match="sqlite, sql or http"):
        identity_backend_from_env()


def test_state_stores(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MOTCUA_IDENTITY_STATE_URL", f"sqlite:///{tmp_path / 'state.sqlite3'}")
    otp = otp_service_from_env()
    code = otp.issue("web:1", seed.HUNG)
    assert otp.check("web:1", seed.HUNG, code) == "ok"
    consents = consent_store_from_env()
    consents.grant("web:1", seed.HUNG, "form:1.001193")
    assert consents.granted("web:1", seed.HUNG, "form:1.001193")
    assert (tmp_path / "state.sqlite3").exists()
    monkeypatch.setenv("MOTCUA_IDENTITY_STATE_PEPPER", "changeme")
    with pytest.raises(ValueError, match="PEPPER"):
        otp_service_from_env()
