"""The action server's shared services, built once on first use (never at import time)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from backends.documents import DocumentStore, document_store_from_env
from backends.dossiers.base import DossierBackend
from backends.dossiers.factory import dossier_backend_from_env
from backends.identity.base import IdentityBackend
from backends.identity.consent import ConsentStore
from backends.identity.factory import consent_store_from_env, identity_backend_from_env, otp_service_from_env
from backends.identity.verification import Verifier
from backends.notifications.store import SubscriptionStore
from knowledge_base.assistant import Assistant
from knowledge_base.related import RelatedTable, load_related

from .dossier_guard import AttemptGuard, AuditLog

T = TypeVar("T")
_lock = threading.Lock()


class _Shared(Generic[T]):
    """One service for the whole process: made by ``factory`` on first use; tests may put their own in."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self.factory = factory
        self.value: T | None = None

    def get(self) -> T:
        with _lock:
            if self.value is None:
                self.value = self.factory()
            return self.value

    def set(self, value: T | None) -> None:
        with _lock:
            self.value = value


_assistant = _Shared(lambda: Assistant.from_settings(show_progress=False))
_dossier_backend = _Shared(dossier_backend_from_env)
_guard = _Shared(AttemptGuard)
_audit = _Shared(AuditLog.default)
_subscriptions = _Shared(SubscriptionStore)
_identity = _Shared(identity_backend_from_env)
_verifier: _Shared[Verifier] = _Shared(otp_service_from_env)
_consents = _Shared(consent_store_from_env)
_documents = _Shared(document_store_from_env)


def get_assistant() -> Assistant:
    """The retrieval layer (index loaded, or built on a first run) shared by every action."""
    return _assistant.get()


def set_assistant(assistant: Assistant | None) -> None:
    """Use ``assistant`` from now on (tests; a server that built one already). None forgets it."""
    _assistant.set(assistant)


def get_related() -> RelatedTable:
    return load_related()


def get_dossier_backend() -> DossierBackend:
    """The dossier system chosen by MOTCUA_DOSSIER_BACKEND (the seeded SQLite demo by default)."""
    return _dossier_backend.get()


def set_dossier_backend(backend: DossierBackend | None) -> None:
    _dossier_backend.set(backend)


def get_guard() -> AttemptGuard:
    return _guard.get()


def get_audit_log() -> AuditLog:
    return _audit.get()


def get_subscriptions() -> SubscriptionStore:
    return _subscriptions.get()


def reset_dossier_services(
    backend: DossierBackend | None = None,
    guard: AttemptGuard | None = None,
    audit: AuditLog | None = None,
    subscriptions: SubscriptionStore | None = None,
) -> None:
    """Tests: start from fresh (or given) dossier services."""
    _dossier_backend.set(backend)
    _guard.set(guard)
    _audit.set(audit)
    _subscriptions.set(subscriptions)


# -- form pre-fill: identity data, verification, consent, generated documents ------------------------------------


def get_identity_backend() -> IdentityBackend:
    """The citizen identity system chosen by MOTCUA_IDENTITY_BACKEND (the seeded SQLite demo by default)."""
    return _identity.get()


def get_verifier() -> Verifier:
    """Who proves the person in the chat is the citizen: the demo one-time code sent in the chat by default."""
    return _verifier.get()


def get_consents() -> ConsentStore:
    return _consents.get()


def get_documents() -> DocumentStore:
    """Where filled-in forms wait behind short-lived links (served by the gateway)."""
    return _documents.get()


def reset_form_services(
    identity: IdentityBackend | None = None,
    verifier: Verifier | None = None,
    consents: ConsentStore | None = None,
    documents: DocumentStore | None = None,
) -> None:
    """Tests: start from fresh (or given) form services."""
    _identity.set(identity)
    _verifier.set(verifier)
    _consents.set(consents)
    _documents.set(documents)
