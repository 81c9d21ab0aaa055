"""The interface every dossier backend offers, and the citizen's proof that a dossier is theirs."""

from __future__ import annotations

import hmac
import re
import unicodedata
from datetime import datetime
from typing import Protocol, runtime_checkable

from .model import Dossier

_FOUR_DIGITS = re.compile(r"[0-9]{4}")
_MAX_ANSWER = 64


class BackendUnavailable(RuntimeError):
    """The dossier system cannot answer now (down, slow, misconfigured or sending nonsense).

    The message never contains personal data, so it may be logged as is.
    """


@runtime_checkable
class DossierBackend(Protocol):
    def get(self, code: str) -> Dossier | None:
        """The dossier with this code; None when there is none (or ``code`` is not a dossier code).

        Raises BackendUnavailable when the system cannot be asked.
        """
        ...

    def changed_since(self, since: datetime) -> list[Dossier]:
        """Every dossier updated strictly after ``since`` (timezone-aware), oldest change first."""
        ...

    def healthy(self) -> bool:
        """Whether the system answers now (never raises)."""
        ...


def _last_four_digits(phone: str) -> str | None:
    digits = "".join(ch for ch in phone if ch in "0123456789")
    return digits[-4:] if len(digits) >= 4 else None


def verification_matches(dossier: Dossier, answer: str) -> bool:
    """True when ``answer`` is the last 4 digits of the phone number registered on ``dossier``.

    Whitespace anywhere in the answer is ignored ("56 78"); full-width digits count as digits. Anything that is not
    exactly 4 digits is False. The comparison is constant-time. Limiting the number of attempts is the caller's job.
    """
    if not isinstance(answer, str) or len(answer) > _MAX_ANSWER:
        return False
    given = "".join(unicodedata.normalize("NFKC", answer).split())
    if not _FOUR_DIGITS.fullmatch(given):
        return False
    expected = _last_four_digits(dossier.applicant_phone or "")
    if expected is None:
        return False
    return hmac.compare_digest(given.encode("ascii"), expected.encode("ascii"))
