"""Lookup safety: attempt limits per sender and per dossier with a cool-down, and an audit log without personal data.

A failed lookup (unknown code or wrong verification — they are not told apart) counts against both the sender and
the code, so neither guessing many codes from one chat nor guessing one dossier's digits from many chats works.
The counters live in the action server's memory; a scaled-out deployment would keep them in Redis.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from backends._sql import cache_dir

MAX_FAILURES_PER_SENDER = 3
MAX_FAILURES_PER_DOSSIER = 5
WINDOW_S = 15 * 60
COOL_DOWN_S = 15 * 60


def reference(value: str) -> str:
    """A short, stable, non-reversible reference to a sender or a dossier code for the audit log."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:12]


class AttemptGuard:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def _keys(self, sender: str, code: str) -> tuple[tuple[str, int], tuple[str, int]]:
        return (f"sender:{sender}", MAX_FAILURES_PER_SENDER), (f"dossier:{code}", MAX_FAILURES_PER_DOSSIER)

    def locked_for(self, sender: str, code: str) -> int:
        """Seconds left of a cool-down on this sender or this dossier (0 when a lookup may go ahead)."""
        now = self._clock()
        with self._lock:
            until = [self._locked_until.get(key, 0.0) for key, _ in self._keys(sender, code)]
        left = [u - now for u in until if u > now]
        return int(max(left, default=0)) + (1 if left else 0)

    def failure(self, sender: str, code: str) -> None:
        now = self._clock()
        with self._lock:
            for key, limit in self._keys(sender, code):
                window = self._failures[key]
                window.append(now)
                while window and window[0] < now - WINDOW_S:
                    window.popleft()
                if len(window) >= limit:
                    self._locked_until[key] = now + COOL_DOWN_S
                    window.clear()

    def success(self, sender: str, code: str) -> None:
        with self._lock:
            self._failures.pop(f"sender:{sender}", None)


class AuditLog:
    """Append-only JSON lines: when, who (a reference), which dossier (a reference), what happened."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> AuditLog:
        return cls(cache_dir() / "audit" / "dossier-lookups.jsonl")

    def record(self, sender: str, code: str | None, outcome: str) -> None:
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sender": reference(sender),
            "dossier": reference(code) if code else None,
            "outcome": outcome,
        }
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry) + "\n")
