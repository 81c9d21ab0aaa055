"""The action server's shared services, built once on first use (never at import time)."""

from __future__ import annotations

import threading

from backends.dossiers.base import DossierBackend
from backends.dossiers.factory import dossier_backend_from_env
from backends.notifications.store import SubscriptionStore
from knowledge_base.assistant import Assistant
from knowledge_base.related import RelatedTable, load_related

from .dossier_guard import AttemptGuard, AuditLog

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


_dossier_backend: DossierBackend | None = None
_guard: AttemptGuard | None = None
_audit: AuditLog | None = None
_subscriptions: SubscriptionStore | None = None


def get_dossier_backend() -> DossierBackend:
    """The dossier system chosen by MOTCUA_DOSSIER_BACKEND (the seeded SQLite demo by default)."""
    global _dossier_backend
    with _lock:
        if _dossier_backend is None:
            _dossier_backend = dossier_backend_from_env()
        return _dossier_backend


def set_dossier_backend(backend: DossierBackend | None) -> None:
    global _dossier_backend
    with _lock:
        _dossier_backend = backend


def get_guard() -> AttemptGuard:
    global _guard
    with _lock:
        if _guard is None:
            _guard = AttemptGuard()
        return _guard


def get_audit_log() -> AuditLog:
    global _audit
    with _lock:
        if _audit is None:
            _audit = AuditLog.default()
        return _audit


def get_subscriptions() -> SubscriptionStore:
    global _subscriptions
    with _lock:
        if _subscriptions is None:
            _subscriptions = SubscriptionStore()
        return _subscriptions


def reset_dossier_services(
    backend: DossierBackend | None = None,
    guard: AttemptGuard | None = None,
    audit: AuditLog | None = None,
    subscriptions: SubscriptionStore | None = None,
) -> None:
    """Tests: start from fresh (or given) dossier services."""
    global _dossier_backend, _guard, _audit, _subscriptions
    with _lock:
        _dossier_backend, _guard, _audit, _subscriptions = backend, guard, audit, subscriptions
