"""The interface every identity backend offers, and reading ID and phone numbers out of what a citizen types."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from .model import ID_NUMBER, BirthNotice, Citizen

_MAX_INPUT = 64
MAX_BIRTH_NOTICES = 24  # per parent; far more than anyone has waiting for registration


class IdentityUnavailable(RuntimeError):
    """The identity system cannot answer now (down, slow, misconfigured or sending nonsense).

    The message never holds personal data, so it may be logged as is.
    """


@runtime_checkable
class IdentityBackend(Protocol):
    def get(self, id_number: str) -> Citizen | None:
        """The citizen with this 12-digit ID number; None when there is none or ``id_number`` is not one.

        Raises IdentityUnavailable when the system cannot be asked.
        """
        ...

    def by_phone(self, phone: str) -> Citizen | None:
        """The one citizen with this phone number on record; None when none (or several: never a guess)."""
        ...

    def relatives(self, citizen: Citizen) -> dict[str, Citizen]:
        """The relatives on record: keys ``"father"``, ``"mother"``, ``"spouse"`` and ``"child:<id number>"``.

        Relatives whose ID is unknown or who are not in the system are left out.
        """
        ...

    def birth_notices(self, parent_id: str) -> list[BirthNotice]:
        """Unregistered birth notices where ``parent_id`` is the mother or the father, newest birth first.

        [] when none or ``parent_id`` is not an ID number. Raises IdentityUnavailable when the system cannot be asked.
        """
        ...

    def healthy(self) -> bool:
        """Whether the system answers now (never raises)."""
        ...


def _squeeze(text: object) -> str | None:
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in ".-")


def normalize_id_number(text: object) -> str | None:
    """The 12-digit ID number in ``text`` ("0221 9400 6731", full-width digits …), or None if it is not one."""
    squeezed = _squeeze(text)
    if squeezed is None or not ID_NUMBER.fullmatch(squeezed):
        return None
    return squeezed


def normalize_phone(text: object) -> str | None:
    """A Vietnamese phone number as 10 digits starting with 0 (``+84 912 345 678`` → ``0912345678``), or None."""
    squeezed = _squeeze(text)
    if squeezed is None:
        return None
    squeezed = squeezed.replace("(", "").replace(")", "")
    if squeezed.startswith("+84"):
        squeezed = "0" + squeezed[3:]
    elif squeezed.startswith("84") and len(squeezed) == 11:
        squeezed = "0" + squeezed[2:]
    if len(squeezed) != 10 or not squeezed.isascii() or not squeezed.isdigit() or squeezed[0] != "0":
        return None
    return squeezed


def relative_ids(citizen: Citizen) -> dict[str, str]:
    """The relatives' keys (as in ``IdentityBackend.relatives``) → their ID numbers, as the citizen's record says."""
    wanted: dict[str, str] = {}
    for key in ("father", "mother", "spouse"):
        value = getattr(citizen, f"{key}_id")
        if value:
            wanted[key] = value
    for child in citizen.children_ids:
        wanted[f"child:{child}"] = child
    return wanted


def newest_first(notices: Iterable[BirthNotice]) -> list[BirthNotice]:
    """``notices`` by date of birth, newest first (twins and same-day births by number), unregistered ones only."""
    waiting = [notice for notice in notices if not notice.registered]
    waiting.sort(key=lambda notice: notice.number)
    waiting.sort(key=lambda notice: notice.date_of_birth, reverse=True)
    return waiting
