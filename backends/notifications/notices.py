"""Which notices a followed dossier calls for at a moment ``now`` — pure logic, no I/O, no wording.

A :class:`Notice` has a stable ``key``; the ledger (:meth:`SubscriptionStore.claim`) records each key once per
subscriber, so computing the same notices every polling round sends each one once:

- ``status:<status>:<entered at>`` — the dossier's current status. The time it entered that status (its last
  history event) is part of the key, so a dossier that goes back to a status it had before (``processing`` →
  ``supplement_requested`` → ``processing``) is news again. Without a matching history event the key is
  ``status:<status>``.
- ``due:<YYYY-MM-DD>`` — the appointment (``due_at``) is at most :data:`DUE_WITHIN` away and still ahead, and the
  dossier is still open (not completed, returned, withdrawn, stopped or rejected). A new due date is a new key.
- ``supplement:<YYYY-MM-DD>`` / ``payment:<YYYY-MM-DD>`` — an open supplement / payment request whose deadline
  is today or within :data:`DEADLINE_WITHIN_DAYS` days (Vietnam's calendar), on an open dossier.

The status notice comes first and lists in ``covers`` the other keys of the same moment: its message already says
the due date, the documents, the amount and the deadline, so when it is sent those reminders are recorded as sent
too and the citizen does not get the same facts twice in a row.

:func:`baseline_keys` is what a new subscriber has just seen (the lookup showed it): those keys are recorded
without sending anything (:meth:`SubscriptionStore.baseline`), so subscribing never announces old news.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from backends.dossiers.model import VN_TZ, Dossier, DossierStatus

NoticeKind = Literal["status", "due", "supplement", "payment"]

DUE_WITHIN = timedelta(days=1)
DEADLINE_WITHIN_DAYS = 2

FINISHED = frozenset(
    {
        DossierStatus.COMPLETED,
        DossierStatus.RETURNED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.REJECTED,
    }
)
"""Statuses after which no appointment or deadline is worth a reminder."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing to tell the followers of a dossier. ``when`` is the due date or the deadline (None for a status)."""

    key: str
    kind: NoticeKind
    code: str
    procedure: str
    status: DossierStatus
    when: date | None = None
    step: str = ""
    note: str = ""
    due: date | None = None
    documents: tuple[str, ...] = ()
    amount_vnd: int | None = None
    deadline: date | None = None
    covers: tuple[str, ...] = ()


def _local_date(value: datetime) -> date:
    return value.astimezone(VN_TZ).date()


def status_key(dossier: Dossier) -> str:
    """``status:<status>:<UTC time it entered the status>`` (``status:<status>`` without such a history event)."""
    last = dossier.history[-1] if dossier.history else None
    if last is None or last.status is not dossier.status:
        return f"status:{dossier.status.value}"
    return f"status:{dossier.status.value}:{last.at.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _within_days(deadline: date, today: date) -> bool:
    return today <= deadline <= today + timedelta(days=DEADLINE_WITHIN_DAYS)


def due_notices(dossier: Dossier, now: datetime) -> list[Notice]:
    """The notices ``dossier`` calls for at ``now`` (timezone-aware): the status first, then the reminders."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    status = dossier.status
    today = _local_date(now)
    open_dossier = status not in FINISHED
    supplement, payment = dossier.supplement, dossier.payment
    common = {"code": dossier.code, "procedure": dossier.procedure_name, "status": status}

    reminders: list[Notice] = []
    if open_dossier and dossier.due_at is not None and now < dossier.due_at <= now + DUE_WITHIN:
        day = _local_date(dossier.due_at)
        reminders.append(Notice(key=f"due:{day.isoformat()}", kind="due", when=day, **common))
    if open_dossier and supplement is not None and _within_days(supplement.deadline, today):
        reminders.append(
            Notice(
                key=f"supplement:{supplement.deadline.isoformat()}",
                kind="supplement",
                when=supplement.deadline,
                documents=tuple(supplement.documents),
                note=supplement.note,
                **common,
            )
        )
    if open_dossier and payment is not None and _within_days(payment.deadline, today):
        reminders.append(
            Notice(
                key=f"payment:{payment.deadline.isoformat()}",
                kind="payment",
                when=payment.deadline,
                amount_vnd=payment.amount_vnd,
                note=payment.note,
                **common,
            )
        )

    last = dossier.history[-1] if dossier.history else None
    request = supplement if status is DossierStatus.SUPPLEMENT_REQUESTED else None
    money = payment if status is DossierStatus.PAYMENT_REQUESTED else None
    headline = Notice(
        key=status_key(dossier),
        kind="status",
        step=dossier.current_step if open_dossier else "",
        note=last.note if last is not None and last.status is status else "",
        due=_local_date(dossier.due_at) if open_dossier and dossier.due_at is not None else None,
        documents=tuple(request.documents) if request is not None else (),
        amount_vnd=money.amount_vnd if money is not None else None,
        deadline=request.deadline if request is not None else money.deadline if money is not None else None,
        covers=tuple(r.key for r in reminders if _said_by_status(r, status)),
        **common,
    )
    return [headline, *reminders]


def _said_by_status(reminder: Notice, status: DossierStatus) -> bool:
    """Whether the status message already states what ``reminder`` would (see :func:`due_notices`)."""
    if reminder.kind == "due":
        return True  # every open status message gives the due date
    if reminder.kind == "supplement":
        return status is DossierStatus.SUPPLEMENT_REQUESTED
    return status is DossierStatus.PAYMENT_REQUESTED


def baseline_keys(dossier: Dossier, now: datetime) -> list[str]:
    """Every key a subscriber who has just looked ``dossier`` up should not be sent (it is what they saw)."""
    keys: list[str] = []
    for notice in due_notices(dossier, now):
        for key in (notice.key, *notice.covers):
            if key not in keys:
                keys.append(key)
    return keys
