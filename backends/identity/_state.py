"""What the one-time codes and the consents share: where their state lives, time in ms, keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime

from .._sql import cache_sqlite_url

Clock = Callable[[], datetime]  # returns an aware datetime

STATE_FILE = "identity_state.sqlite3"
DEFAULT_PEPPER = b"motcua-identity-state-v1"


def default_state_url() -> str:
    """``sqlite:///$MOTCUA_CACHE_DIR/identity_state.sqlite3``: one-time codes and consents."""
    return cache_sqlite_url(STATE_FILE)


def utc_now() -> datetime:
    return datetime.now(UTC)


def epoch_ms(moment: datetime) -> int:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be timezone-aware datetimes")
    return int(moment.timestamp() * 1000)


def keyed_hash(pepper: bytes, kind: str, value: str) -> str:
    """A keyed SHA-256 (hex) of ``value`` in the namespace ``kind``: what the state tables store instead of ids."""
    return hmac.new(pepper, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()
