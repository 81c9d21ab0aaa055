"""Choose the dossier backend from the environment.

| ``MOTCUA_DOSSIER_BACKEND`` | backend | also needs |
|---|---|---|
| ``sqlite`` (default) | the embedded demo in ``$MOTCUA_CACHE_DIR/dossiers.sqlite3``, seeded on first run | — |
| ``sql`` | a SQL database with the schema of :mod:`.sql` (e.g. PostgreSQL) | ``MOTCUA_DOSSIER_DB_URL`` |
| ``http`` | a province's API (``HTTP_CONTRACT.md``) | ``MOTCUA_DOSSIER_API_URL``, ``MOTCUA_DOSSIER_API_KEY`` |

``MOTCUA_DOSSIER_API_ALLOW_HTTP=1`` lets the HTTP backend use plain ``http://`` beyond loopback. Misconfiguration
raises ``ValueError`` with a message naming the variable (never its secret value).
"""

from __future__ import annotations

import os
import re

from .base import DossierBackend

_PLACEHOLDER = re.compile(
    r"^(?:change[-_ ]?me|xxx+|\*+|todo|secret|placeholder|example|test|dummy|none|null|api[-_ ]?key|<.*>|\$\{.*\}|"
    r"your[-_ ].*)$",
    re.IGNORECASE,
)
_TRUE = {"1", "true", "yes", "on"}


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def _real_api_key(value: str) -> str:
    if not value:
        raise ValueError("MOTCUA_DOSSIER_BACKEND=http needs MOTCUA_DOSSIER_API_KEY (the province's API key)")
    if _PLACEHOLDER.match(value) or len(value) < 8:
        raise ValueError(
            "MOTCUA_DOSSIER_API_KEY looks like a placeholder, not a real key: set the key the province issued"
        )
    return value


def dossier_backend_from_env() -> DossierBackend:
    """The backend the environment asks for (see the module docstring); the seeded SQLite demo by default."""
    kind = (_env("MOTCUA_DOSSIER_BACKEND") or "sqlite").lower()
    if kind == "sqlite":
        from .seed import ensure_demo_backend
        from .sql import default_sqlite_url

        return ensure_demo_backend(default_sqlite_url())
    if kind == "sql":
        url = _env("MOTCUA_DOSSIER_DB_URL")
        if not url:
            raise ValueError(
                "MOTCUA_DOSSIER_BACKEND=sql needs MOTCUA_DOSSIER_DB_URL, e.g. postgresql+psycopg://user@host/db"
            )
        from .sql import SqlDossierBackend

        return SqlDossierBackend(url)
    if kind == "http":
        base_url = _env("MOTCUA_DOSSIER_API_URL")
        if not base_url:
            raise ValueError("MOTCUA_DOSSIER_BACKEND=http needs MOTCUA_DOSSIER_API_URL (the API's base URL)")
        api_key = _real_api_key(_env("MOTCUA_DOSSIER_API_KEY"))
        from .http import HttpDossierBackend

        return HttpDossierBackend(
            base_url, api_key, allow_insecure_http=_env("MOTCUA_DOSSIER_API_ALLOW_HTTP").lower() in _TRUE
        )
    raise ValueError(f"MOTCUA_DOSSIER_BACKEND must be sqlite, sql or http (not {kind[:20]!r})")
