"""Log-safe identifiers: never write a chat user id, phone number or name to the logs in clear."""

from __future__ import annotations

import hashlib
import re

_DIGITS = re.compile(r"\d{6,}")


def pseudonym(value: str) -> str:
    """A short, stable, non-reversible tag for a user or sender id ("u:3f9a1c2b")."""
    return "u:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:8]


def redact(text: str) -> str:
    """Long digit runs (CCCD, phone numbers) masked, for the rare log line that must quote input."""
    return _DIGITS.sub(lambda m: "#" * len(m.group()), text)
