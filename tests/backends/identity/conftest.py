"""Fixtures for the identity backend: a SQL URL on SQLite and on PostgreSQL, a seeded backend, a settable clock.

The PostgreSQL cases reuse ``postgres_schema_url`` from ``tests/backends/conftest.py`` (a fresh schema per test;
skipped without MOTCUA_TEST_POSTGRES_URL unless MOTCUA_REQUIRE_POSTGRES is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backends.identity.seed import seed_demo
from backends.identity.sql import SqlIdentityBackend

from ..conftest import serving
from .fake_provider import FakeProvider, start


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", "postgresql"])
def identity_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'identity.sqlite3'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def seeded(identity_url: str) -> Iterator[SqlIdentityBackend]:
    backend = SqlIdentityBackend(identity_url)
    seed_demo(backend)
    yield backend
    backend.close()


@pytest.fixture
def base_url(provider: FakeProvider) -> Iterator[str]:
    """A fake identity provider on 127.0.0.1 serving the test module's own ``provider``."""
    with serving(start(provider)) as url:
        yield url
