"""The ``X-ZEvent-Signature`` of Zalo webhook events.

Zalo signs an event with ``"mac=" + sha256_hex(app_id + raw_body + timestamp + oa_secret_key)``: a plain SHA-256 over
the concatenation, not an HMAC. ``timestamp`` is the event's own ``timestamp`` field (milliseconds, as text).
"""

from __future__ import annotations

import hashlib
import hmac


def expected_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    digest = hashlib.sha256()
    digest.update(app_id.encode("utf-8"))
    digest.update(raw_body)
    digest.update(timestamp.encode("utf-8"))
    digest.update(oa_secret_key.encode("utf-8"))
    return "mac=" + digest.hexdigest()


def verify_signature(
    header_value: str | None, app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str
) -> bool:
    """True when the header carries the right MAC; False when it is missing, wrong, or no secret is configured."""
    if not header_value or not oa_secret_key:
        return False
    expected = expected_signature(app_id, raw_body, timestamp, oa_secret_key)
    return hmac.compare_digest(expected.encode("ascii"), header_value.strip().lower().encode("utf-8", "replace"))
