"""Zalo OA access tokens, refreshed with the rotating, single-use refresh token kept durably in SQLite.

A refresh consumes the stored refresh token and returns a new one: the new pair is written in one transaction right
after Zalo answers, so a restart never reuses a spent token. The refresh token configured in the settings only seeds
an empty store (or replaces the stored one when the operator configures a different seed). Tokens are never logged.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from ..settings import GatewaySettings, secret
from .api import TIMEOUT_S, ZaloError, retrying_session
from .store import connect, db_path, transaction

logger = logging.getLogger(__name__)

REFRESH_MARGIN_S = 300.0  # refresh this long before expiry (Zalo access tokens live ~25 h)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS zalo_tokens (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    refresh_token TEXT NOT NULL,
    access_token TEXT NOT NULL DEFAULT '',
    expires_at REAL NOT NULL DEFAULT 0,
    refresh_after REAL NOT NULL DEFAULT 0,
    seed_digest TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL DEFAULT 0
)
"""


@dataclass(frozen=True)
class _Tokens:
    refresh_token: str
    access_token: str
    refresh_after: float


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


class TokenManager:
    def __init__(
        self,
        settings: GatewaySettings,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
        timeout: tuple[float, float] = TIMEOUT_S,
    ) -> None:
        self.path = db_path(settings.data_dir)
        self.url = settings.zalo_oauth_base.rstrip("/") + "/v4/oa/access_token"
        self._app_id = settings.zalo_app_id or ""
        self._secret_key = secret(settings.zalo_app_secret_key)
        self._seed = secret(settings.zalo_refresh_token)
        # No retry on HTTP statuses: a 5xx may come after Zalo spent the refresh token, and a retry would reuse it.
        self.session = session or retrying_session(statuses=())
        self.clock = clock
        self.timeout = timeout
        self._lock = threading.Lock()
        self._prepared = False

    def access_token(self) -> str:
        """A valid access token: the stored one, or a fresh one when it is missing or about to expire."""
        with self._lock:
            tokens = self._load()
            if tokens.access_token and self.clock() < tokens.refresh_after:
                return tokens.access_token
            return self._refresh(tokens)

    def refresh_expired(self, stale_token: str) -> str:
        """Zalo said ``stale_token`` expired: refresh, unless another caller already replaced it."""
        with self._lock:
            tokens = self._load()
            if tokens.access_token and tokens.access_token != stale_token and self.clock() < tokens.refresh_after:
                return tokens.access_token
            return self._refresh(tokens)

    def refresh(self) -> str:
        """Refresh now, whatever the stored access token's age."""
        with self._lock:
            return self._refresh(self._load())

    def close(self) -> None:
        self.session.close()

    def _load(self) -> _Tokens:
        with connect(self.path) as db:
            if not self._prepared:
                self._prepare(db)
            row = db.execute(
                "SELECT refresh_token, access_token, refresh_after FROM zalo_tokens WHERE id = 1"
            ).fetchone()
        if row is None:
            raise ZaloError(None, "no Zalo refresh token: set MOTCUA_ZALO_REFRESH_TOKEN")
        return _Tokens(row["refresh_token"], row["access_token"], float(row["refresh_after"]))

    def _prepare(self, db: sqlite3.Connection) -> None:
        """Creates the table and seeds it from the settings when empty (or when a different seed is configured)."""
        with transaction(db):
            db.execute(_SCHEMA)
            row = db.execute("SELECT seed_digest FROM zalo_tokens WHERE id = 1").fetchone()
            if self._seed and row is None:
                db.execute(
                    "INSERT INTO zalo_tokens (id, refresh_token, seed_digest, updated_at) VALUES (1, ?, ?, ?)",
                    (self._seed, _digest(self._seed), self.clock()),
                )
            elif self._seed and row["seed_digest"] != _digest(self._seed):
                logger.info("a new Zalo refresh token was configured: it replaces the stored one")
                db.execute(
                    "UPDATE zalo_tokens SET refresh_token = ?, access_token = '', expires_at = 0, refresh_after = 0,"
                    " seed_digest = ?, updated_at = ? WHERE id = 1",
                    (self._seed, _digest(self._seed), self.clock()),
                )
        self._prepared = True

    def _refresh(self, tokens: _Tokens) -> str:
        try:
            response = self.session.post(
                self.url,
                data={"refresh_token": tokens.refresh_token, "app_id": self._app_id, "grant_type": "refresh_token"},
                headers={"secret_key": self._secret_key},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise ZaloError(None, f"cannot reach Zalo OAuth ({type(error).__name__})") from error
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ZaloError(None, f"token refresh: HTTP {response.status_code}, no JSON")
        access, refresh = data.get("access_token"), data.get("refresh_token")
        try:
            expires_in = float(data.get("expires_in"))
        except (TypeError, ValueError):
            expires_in = 0.0
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh and expires_in > 0):
            code = data.get("error")
            logger.error("Zalo token refresh refused: error %s (%s)", code, str(data.get("error_name") or "")[:80])
            raise ZaloError(code if isinstance(code, int) else None, "token refresh refused")
        now = self.clock()
        margin = min(REFRESH_MARGIN_S, expires_in / 2)
        with connect(self.path) as db, transaction(db):
            db.execute(
                "UPDATE zalo_tokens SET refresh_token = ?, access_token = ?, expires_at = ?, refresh_after = ?,"
                " updated_at = ? WHERE id = 1",
                (refresh, access, now + expires_in, now + expires_in - margin, now),
            )
        logger.info("Zalo access token refreshed (valid for %d s)", int(expires_in))
        return access
