"""Choose the identity backend (and the verification / consent stores) from the environment.

| ``MOTCUA_IDENTITY_BACKEND`` | backend | also needs |
|---|---|---|
| ``sqlite`` (default) | the demo citizens in ``$MOTCUA_CACHE_DIR/identity.sqlite3``, seeded on first use | — |
| ``sql`` | a SQL database with the schema of :mod:`.sql` (e.g. PostgreSQL) | ``MOTCUA_IDENTITY_DB_URL`` |
| ``http`` | a provider's API (``HTTP_CONTRACT.md``) | ``MOTCUA_IDENTITY_API_URL``, ``MOTCUA_IDENTITY_API_KEY`` |

``MOTCUA_IDENTITY_API_ALLOW_HTTP=1`` allows plain ``http://`` beyond loopback. One-time codes and consents live in
``MOTCUA_IDENTITY_STATE_URL`` (default ``$MOTCUA_CACHE_DIR/identity_state.sqlite3``; use PostgreSQL when several
action servers run); ``MOTCUA_IDENTITY_STATE_PEPPER`` (optional, ≥ 16 characters) keys the hashes stored there.
Misconfiguration raises ``ValueError`` naming the variable, never showing a secret's value.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .base import IdentityBackend

if TYPE_CHECKING:
    from .consent import ConsentStore
    from .verification import OtpService

_TRUE = frozenset({"1", "true", "yes", "on"})
_PLACEHOLDER_WORDS = frozenset(
    {"changeme", "change-me", "change_me", "secret", "password", "apikey", "api-key", "api_key", "token", "todo",
     "placeholder", "example", "dummy", "test", "none", "null", "xxx", "your-key", "your_api_key", "your-api-key"}
)  # fmt: skip


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def looks_like_placeholder(value: str) -> bool:
    """True for values like ``changeme``, ``<api key>``, ``${KEY}``, ``xxxxxx``, ``******`` or anything under 12."""
    lowered = value.strip().lower()
    if len(lowered) < 12 or lowered in _PLACEHOLDER_WORDS:
        return True
    if lowered.startswith(("<", "${", "{{", "your")) or lowered.endswith((">", "}")):
        return True
    return len(set(lowered)) <= 2  # "xxxxxxxxxxxx", "************", "000000000000"


def identity_backend_from_env() -> IdentityBackend:
    """The backend the environment asks for (see the module docstring); the seeded SQLite demo by default."""
    kind = (_env("MOTCUA_IDENTITY_BACKEND") or "sqlite").lower()
    if kind == "sqlite":
        from .seed import ensure_demo_backend

        return ensure_demo_backend()
    if kind == "sql":
        url = _env("MOTCUA_IDENTITY_DB_URL")
        if not url:
            raise ValueError(
                "MOTCUA_IDENTITY_BACKEND=sql needs MOTCUA_IDENTITY_DB_URL, e.g. postgresql+psycopg://user@host/db"
            )
        from .sql import SqlIdentityBackend

        return SqlIdentityBackend(url)
    if kind == "http":
        url = _env("MOTCUA_IDENTITY_API_URL")
        if not url or looks_like_placeholder(url.split("://", 1)[-1]):
            raise ValueError("MOTCUA_IDENTITY_BACKEND=http needs MOTCUA_IDENTITY_API_URL (the provider's base URL)")
        key = _env("MOTCUA_IDENTITY_API_KEY")
        if not key:
            raise ValueError("MOTCUA_IDENTITY_BACKEND=http needs MOTCUA_IDENTITY_API_KEY (the key the provider issued)")
        if looks_like_placeholder(key):
            raise ValueError("MOTCUA_IDENTITY_API_KEY looks like a placeholder: set the key the provider issued")
        from .http import HttpIdentityBackend

        return HttpIdentityBackend(
            url, key, allow_insecure_http=_env("MOTCUA_IDENTITY_API_ALLOW_HTTP").lower() in _TRUE
        )
    raise ValueError(f"MOTCUA_IDENTITY_BACKEND must be sqlite, sql or http (not {kind[:20]!r})")


def _state_settings() -> tuple[str | None, bytes | None]:
    pepper = _env("MOTCUA_IDENTITY_STATE_PEPPER")
    if pepper and looks_like_placeholder(pepper):
        raise ValueError("MOTCUA_IDENTITY_STATE_PEPPER looks like a placeholder: set a random value or leave it unset")
    return _env("MOTCUA_IDENTITY_STATE_URL") or None, pepper.encode() if pepper else None


def otp_service_from_env() -> OtpService:
    """An :class:`~.verification.OtpService` on ``MOTCUA_IDENTITY_STATE_URL`` with the demo chat delivery."""
    from .verification import OtpService

    url, pepper = _state_settings()
    return OtpService(url, pepper=pepper)


def consent_store_from_env() -> ConsentStore:
    """A :class:`~.consent.ConsentStore` on ``MOTCUA_IDENTITY_STATE_URL``."""
    from .consent import ConsentStore

    url, pepper = _state_settings()
    return ConsentStore(url, pepper=pepper)
