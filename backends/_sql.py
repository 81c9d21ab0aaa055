"""Small SQL helpers shared by the backends: where the embedded SQLite files live, and a lazily built engine.

``LazyDatabase(url)`` creates its SQLAlchemy engine on first use (never at import or construction), turns on
foreign keys and a busy timeout on SQLite, keeps one shared connection for an in-memory SQLite URL, and pings
pooled connections on other databases (PostgreSQL). Its ``repr`` never shows the URL (it may hold a password).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool


def cache_dir() -> Path:
    """``$MOTCUA_CACHE_DIR`` (default ``~/.cache/motcua``), absolute; not created here."""
    configured = os.environ.get("MOTCUA_CACHE_DIR", "").strip()
    return (Path(configured) if configured else Path.home() / ".cache" / "motcua").expanduser().resolve()


def cache_sqlite_url(filename: str) -> str:
    """``sqlite:///<cache dir>/<filename>``."""
    if not filename or "/" in filename or "\\" in filename:
        raise ValueError("a bare file name is expected")
    return f"sqlite:///{cache_dir() / filename}"


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
    finally:
        cursor.close()


class LazyDatabase:
    """An engine and a session factory for ``url``, both made on first use; thread-safe."""

    def __init__(self, url: str) -> None:
        if not url or not isinstance(url, str):
            raise ValueError("a database URL is required")
        self.url = url
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.dialect}://…)"

    @property
    def dialect(self) -> str:
        return self.url.split(":", 1)[0].split("+", 1)[0]

    @property
    def engine(self) -> Engine:
        with self._guard:
            if self._engine is None:
                self._engine = self._build()
                self._sessions = sessionmaker(bind=self._engine, expire_on_commit=False)
            return self._engine

    def _build(self) -> Engine:
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed, pool_pre_ping=True)
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        database = parsed.database or ""
        if database in ("", ":memory:"):
            options["poolclass"] = StaticPool
        elif not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **options)
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine

    def session(self) -> Session:
        """A new ORM session (use it as a context manager)."""
        self.engine  # noqa: B018 - builds the engine and the session factory on first use
        assert self._sessions is not None
        return self._sessions()

    def ping(self) -> bool:
        """Whether the database answers ``SELECT 1`` now (never raises)."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # a health check never raises
            return False
        return True

    def dispose(self) -> None:
        """Close the pooled connections; the engine is built again on next use."""
        with self._guard:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None
            self._sessions = None
