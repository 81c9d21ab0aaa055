"""Choosing the dossier backend from the environment."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from backends.dossiers.factory import dossier_backend_from_env
from backends.dossiers.http import HttpDossierBackend
from backends.dossiers.model import VN_TZ
from backends.dossiers.sql import SqlDossierBackend

VARS = (
    "MOTCUA_DOSSIER_BACKEND",
    "MOTCUA_DOSSIER_DB_URL",
    "MOTCUA_DOSSIER_API_URL",
    "MOTCUA_DOSSIER_API_KEY",
    "MOTCUA_DOSSIER_API_ALLOW_HTTP",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOTCUA_CACHE_DIR", str(tmp_path / "cache"))


def test_default_is_the_seeded_sqlite_demo(tmp_path: Path) -> None:
    backend = dossier_backend_from_env()
    assert isinstance(backend, SqlDossierBackend)
    try:
        assert backend.url == f"sqlite:///{tmp_path / 'cache' / 'dossiers.sqlite3'}"
        assert len(backend.changed_since(datetime(2000, 1, 1, tzinfo=VN_TZ))) >= 10
    finally:
        backend.close()


def test_sql_needs_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_DOSSIER_BACKEND", "sql")
    with pytest.raises(ValueError, match="MOTCUA_DOSSIER_DB_URL"):
        dossier_backend_from_env()
    monkeypatch.setenv("MOTCUA_DOSSIER_DB_URL", "postgresql+psycopg://motcua:pw@db.internal/dossiers")
    backend = dossier_backend_from_env()
    assert isinstance(backend, SqlDossierBackend)
    assert backend._engine is None  # nothing connected yet


def test_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_DOSSIER_BACKEND", "HTTP")
    monkeypatch.setenv("MOTCUA_DOSSIER_API_URL", "https://dossiers.example.gov.vn/api")
    monkeypatch.setenv("MOTCUA_DOSSIER_API_KEY", "k-7f3a91c2e5d4b6a8")
    backend = dossier_backend_from_env()
    assert isinstance(backend, HttpDossierBackend)
    assert backend.base_url == "https://dossiers.example.gov.vn/api"


def test_http_needs_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_DOSSIER_BACKEND", "http")
    monkeypatch.setenv("MOTCUA_DOSSIER_API_KEY", "k-7f3a91c2e5d4b6a8")
    with pytest.raises(ValueError, match="MOTCUA_DOSSIER_API_URL"):
        dossier_backend_from_env()


@pytest.mark.parametrize(
    "key", ["", "   ", "changeme", "CHANGE_ME", "xxxx", "your-api-key", "<api key>", "${API_KEY}", "secret", "short"]
)
def test_http_refuses_a_missing_or_placeholder_key(monkeypatch: pytest.MonkeyPatch, key: str) -> None:
    monkeypatch.setenv("MOTCUA_DOSSIER_BACKEND", "http")
    monkeypatch.setenv("MOTCUA_DOSSIER_API_URL", "https://dossiers.example.gov.vn/api")
    monkeypatch.setenv("MOTCUA_DOSSIER_API_KEY", key)
    with pytest.raises(ValueError, match="MOTCUA_DOSSIER_API_KEY") as raised:
        dossier_backend_from_env()
    if key.strip():
        assert key not in str(raised.value)


def test_plain_http_to_a_remote_host_needs_an_explicit_opt_in(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_DOSSIER_BACKEND", "http")
    monkeypatch.setenv("MOTCUA_DOSSIER_API_URL", "http://10.1.2.3/api")
    monkeypatch.setenv("MOTCUA_DOSSIER_API_KEY", "k-7f3a91c2e5d4b6a8")
    with pytest.raises(ValueError, match="https"):
        dossier_backend_from_env()
    monkeypatch.setenv("MOTCUA_DOSSIER_API_ALLOW_HTTP", "1")
    assert isinstance(dossier_backend_from_env(), HttpDossierBackend)


def test_unknown_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_DOSSIER_BACKEND", "oracle")
    with pytest.raises(ValueError, match="sqlite, sql or http"):
        dossier_backend_from_env()
