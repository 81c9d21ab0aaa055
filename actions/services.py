"""The action server's shared services, built once on first use (never at import time)."""

from __future__ import annotations

import threading

from knowledge_base.assistant import Assistant
from knowledge_base.related import RelatedTable, load_related

_lock = threading.Lock()
_assistant: Assistant | None = None


def get_assistant() -> Assistant:
    """The retrieval layer (index loaded, or built on a first run) shared by every action."""
    global _assistant
    with _lock:
        if _assistant is None:
            _assistant = Assistant.from_settings(show_progress=False)
        return _assistant


def set_assistant(assistant: Assistant | None) -> None:
    """Use ``assistant`` from now on (tests; a server that built one already). None forgets it."""
    global _assistant
    with _lock:
        _assistant = assistant


def get_related() -> RelatedTable:
    return load_related()
