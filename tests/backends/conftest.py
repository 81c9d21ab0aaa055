"""Fixtures for the dossier backends: a fixed "now", and a fresh SQL backend on SQLite and on PostgreSQL.

PostgreSQL runs when MOTCUA_TEST_POSTGRES_URL is set (``eval "$(bash scripts/setup_postgres.sh)"``); otherwise its
cases are skipped, unless MOTCUA_REQUIRE_POSTGRES is set, which makes them fail. Every PostgreSQL test gets its own
schema (dropped afterwards) through the connection's search_path, so runs never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import HTTPServer

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from backends.dossiers.model import VN_TZ
from backends.dossiers.sql import SqlDossierBackend

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=VN_TZ)


@pytest.fixture
def now() -> datetime:
    return NOW


@contextmanager
def serving(started: tuple[HTTPServer, str]) -> Iterator[str]:
    """The base URL of a fake server started on 127.0.0.1 (``start(...)`` of a fake module), stopped afterwards."""
    server, url = started
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def postgres_url_or_skip() -> str:
    url = os.environ.get("MOTCUA_TEST_POSTGRES_URL", "").strip()
    if not url:
        if os.environ.get("MOTCUA_REQUIRE_POSTGRES"):
            pytest.fail(
                "MOTCUA_REQUIRE_POSTGRES is set but MOTCUA_TEST_POSTGRES_URL is not (scripts/setup_postgres.sh)"
            )
        pytest.skip('PostgreSQL: set MOTCUA_TEST_POSTGRES_URL (eval "$(bash scripts/setup_postgres.sh)")')
    return url


@pytest.fixture
def postgres_schema_url() -> Iterator[str]:
    """A URL whose connections use a brand-new schema of the test database (dropped at the end)."""
    url = postgres_url_or_skip()
    schema = f"motcua_t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield (
            make_url(url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dossiers.sqlite3'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def backend(sql_url: str) -> Iterator[SqlDossierBackend]:
    created = SqlDossierBackend(sql_url)
    yield created
    created.close()
