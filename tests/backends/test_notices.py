"""Which notices a dossier calls for (backends.notifications.notices) and the ledger's baseline (store.baseline)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from backends.dossiers.model import VN_TZ, Dossier, DossierStatus, PaymentRequest, StatusEvent, SupplementRequest
from backends.notifications.notices import FINISHED, Notice, baseline_keys, due_notices, status_key
from backends.notifications.store import SubscriptionStore

S = DossierStatus
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=VN_TZ)
CODE = "000.00.13.H49-260305-0002"
DOCS = ("Bản sao hợp đồng thuê nhà có chứng thực", "Văn bản đồng ý của chủ nhà")


def dossier(
    status: DossierStatus = S.PROCESSING,
    *,
    entered: datetime | None = None,
    due: datetime | None = None,
    supplement: SupplementRequest | None = None,
    payment: PaymentRequest | None = None,
    history: tuple[StatusEvent, ...] | None = None,
    note: str = "",
) -> Dossier:
    entered = entered or NOW - timedelta(hours=3)
    if history is None:
        history = (StatusEvent(S.RECEIVED, NOW - timedelta(days=4)), StatusEvent(status, entered, note))
    return Dossier(
        code=CODE,
        procedure_code="1.004222",
        procedure_name="Đăng ký thường trú",
        agency="Trung tâm Phục vụ hành chính công phường Bãi Cháy",
        applicant_name="Trần Văn Minh",
        applicant_phone="0983215764",
        applicant_id_number="022091013552",
        method="in_person",
        status=status,
        current_step="Công an phường thẩm định hồ sơ",
        received_at=NOW - timedelta(days=4),
        due_at=due,
        completed_at=entered if status in (S.COMPLETED, S.RETURNED) else None,
        updated_at=entered,
        history=history,
        supplement=supplement,
        payment=payment,
    )


def kinds(notices: list[Notice]) -> list[str]:
    return [n.kind for n in notices]


# ---- the status notice -------------------------------------------------------------------------------------------


def test_the_current_status_is_always_the_first_notice():
    notices = due_notices(dossier(S.PROCESSING), NOW)
    assert kinds(notices) == ["status"]
    assert notices[0].status is S.PROCESSING
    assert notices[0].code == CODE
    assert notices[0].procedure == "Đăng ký thường trú"
    assert notices[0].key.startswith("status:processing:")


def test_status_key_is_stable_and_names_the_moment_the_status_was_entered():
    entered = datetime(2026, 3, 10, 8, 15, 30, tzinfo=VN_TZ)
    first = due_notices(dossier(S.COMPLETED, entered=entered), NOW)[0].key
    later = due_notices(dossier(S.COMPLETED, entered=entered), NOW + timedelta(days=3))[0].key
    assert first == later == "status:completed:20260310T011530Z"  # the same instant, written in UTC


def test_coming_back_to_an_earlier_status_is_news_again():
    back_to_processing = (
        StatusEvent(S.PROCESSING, NOW - timedelta(days=5)),
        StatusEvent(S.SUPPLEMENT_REQUESTED, NOW - timedelta(days=3)),
        StatusEvent(S.PROCESSING, NOW - timedelta(hours=1)),
    )
    before = dossier(S.PROCESSING, history=back_to_processing[:1], entered=NOW - timedelta(days=5))
    after = dossier(S.PROCESSING, history=back_to_processing, entered=NOW - timedelta(hours=1))
    assert status_key(before) != status_key(after)
    assert status_key(before).startswith("status:processing:") and status_key(after).startswith("status:processing:")


def test_without_a_matching_history_event_the_key_is_the_status_alone():
    no_history = dossier(S.RECEIVED, history=())
    other_last = dossier(S.RECEIVED, history=(StatusEvent(S.NEW, NOW - timedelta(days=1)),))
    assert status_key(no_history) == status_key(other_last) == "status:received"


def test_the_status_notice_carries_what_its_message_says():
    supplement = SupplementRequest(DOCS, deadline=date(2026, 3, 20), note="Nộp tại bộ phận một cửa")
    notice = due_notices(dossier(S.SUPPLEMENT_REQUESTED, supplement=supplement, due=NOW + timedelta(days=9)), NOW)[0]
    assert notice.documents == DOCS
    assert notice.deadline == date(2026, 3, 20)
    assert notice.due == date(2026, 3, 19)
    rejected = due_notices(dossier(S.REJECTED, note="Thiếu tờ khai", due=NOW + timedelta(hours=5)), NOW)[0]
    assert rejected.note == "Thiếu tờ khai"
    assert rejected.due is None  # a closed dossier has no appointment any more
    payment = PaymentRequest(12_650_000, deadline=date(2026, 4, 7))
    paying = due_notices(dossier(S.PAYMENT_REQUESTED, payment=payment), NOW)[0]
    assert (paying.amount_vnd, paying.deadline) == (12_650_000, date(2026, 4, 7))


# ---- the due date --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [
        (timedelta(hours=23), True),
        (timedelta(days=1), True),  # exactly one day ahead
        (timedelta(days=1, minutes=1), False),
        (timedelta(minutes=1), True),
        (timedelta(0), False),  # the appointment is now: too late for a reminder
        (-timedelta(hours=2), False),  # overdue
    ],
)
def test_due_reminder_only_within_the_last_day_before_the_appointment(due_in, expected):
    notices = due_notices(dossier(S.PROCESSING, due=NOW + due_in), NOW)
    assert ("due" in kinds(notices)) is expected


def test_due_reminder_key_is_the_local_date_of_the_appointment():
    due = datetime(2026, 3, 11, 0, 30, tzinfo=VN_TZ)  # 10 March 17:30 UTC, 11 March in Vietnam
    notices = due_notices(dossier(S.RECEIVED, due=due), NOW)
    (reminder,) = [n for n in notices if n.kind == "due"]
    assert reminder.key == "due:2026-03-11"
    assert reminder.when == date(2026, 3, 11)


@pytest.mark.parametrize("status", sorted(FINISHED))
def test_no_due_reminder_once_the_dossier_is_finished(status):
    notices = due_notices(dossier(status, due=NOW + timedelta(hours=6)), NOW)
    assert kinds(notices) == ["status"]


def test_finished_statuses_are_the_five_the_issue_names():
    assert {s.value for s in FINISHED} == {"completed", "returned", "withdrawn", "stopped", "rejected"}


@pytest.mark.parametrize("status", [S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED])
def test_due_reminder_for_every_open_status(status):
    extra = {}
    if status is S.SUPPLEMENT_REQUESTED:
        extra["supplement"] = SupplementRequest(DOCS, deadline=date(2026, 3, 30))
    if status is S.PAYMENT_REQUESTED:
        extra["payment"] = PaymentRequest(500_000, deadline=date(2026, 3, 30))
    notices = due_notices(dossier(status, due=NOW + timedelta(hours=6), **extra), NOW)
    assert "due" in kinds(notices)


# ---- supplement and payment deadlines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (date(2026, 3, 10), True),  # today
        (date(2026, 3, 11), True),
        (date(2026, 3, 12), True),  # in 2 days
        (date(2026, 3, 13), False),  # in 3 days
        (date(2026, 3, 9), False),  # already past
    ],
)
def test_supplement_reminder_within_two_days(deadline, expected):
    supplement = SupplementRequest(DOCS, deadline=deadline)
    notices = due_notices(dossier(S.SUPPLEMENT_REQUESTED, supplement=supplement), NOW)
    reminders = [n for n in notices if n.kind == "supplement"]
    assert bool(reminders) is expected
    if expected:
        assert reminders[0].key == f"supplement:{deadline.isoformat()}"
        assert reminders[0].documents == DOCS


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [(date(2026, 3, 12), True), (date(2026, 3, 13), False), (date(2026, 3, 9), False)],
)
def test_payment_reminder_within_two_days(deadline, expected):
    payment = PaymentRequest(1_200_000, deadline=deadline, note="Nộp tại ngân hàng")
    notices = due_notices(dossier(S.PAYMENT_REQUESTED, payment=payment), NOW)
    reminders = [n for n in notices if n.kind == "payment"]
    assert bool(reminders) is expected
    if expected:
        assert reminders[0].key == "payment:2026-03-12"
        assert reminders[0].amount_vnd == 1_200_000
        assert reminders[0].note == "Nộp tại ngân hàng"


def test_deadlines_count_in_vietnam_days():
    # 17:30 UTC on 10 March is already 11 March in Vietnam: a deadline on 13 March is then 2 days away
    late_evening_utc = datetime(2026, 3, 10, 17, 30, tzinfo=UTC)
    supplement = SupplementRequest(DOCS, deadline=date(2026, 3, 13))
    assert "supplement" in kinds(due_notices(dossier(S.SUPPLEMENT_REQUESTED, supplement=supplement), late_evening_utc))
    assert "supplement" not in kinds(due_notices(dossier(S.SUPPLEMENT_REQUESTED, supplement=supplement), NOW))


def test_no_deadline_reminder_on_a_finished_dossier():
    supplement = SupplementRequest(DOCS, deadline=date(2026, 3, 11))
    stopped = dataclasses.replace(dossier(S.STOPPED), supplement=supplement)
    assert kinds(due_notices(stopped, NOW)) == ["status"]


# ---- covers and baseline -----------------------------------------------------------------------------------------


def test_the_status_notice_covers_the_reminders_its_message_already_gives():
    supplement = SupplementRequest(DOCS, deadline=date(2026, 3, 11))
    notices = due_notices(dossier(S.SUPPLEMENT_REQUESTED, supplement=supplement, due=NOW + timedelta(hours=20)), NOW)
    assert kinds(notices) == ["status", "due", "supplement"]
    assert set(notices[0].covers) == {"due:2026-03-11", "supplement:2026-03-11"}
    assert all(not n.covers for n in notices[1:])


def test_a_supplement_reminder_is_not_covered_by_another_status():
    # a backend that keeps the request open while the dossier is being processed again
    supplement = SupplementRequest(DOCS, deadline=date(2026, 3, 11))
    notices = due_notices(dataclasses.replace(dossier(S.PROCESSING), supplement=supplement), NOW)
    assert kinds(notices) == ["status", "supplement"]
    assert notices[0].covers == ()


def test_baseline_keys_are_every_key_of_the_moment_once():
    payment = PaymentRequest(300_000, deadline=date(2026, 3, 11))
    subject = dossier(S.PAYMENT_REQUESTED, payment=payment, due=NOW + timedelta(hours=4))
    keys = baseline_keys(subject, NOW)
    assert keys[0] == status_key(subject)
    assert set(keys[1:]) == {"due:2026-03-10", "payment:2026-03-11"}
    assert len(keys) == len(set(keys))
    assert all(len(k) <= 120 for k in keys)  # fits the ledger's column


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        due_notices(dossier(), datetime(2026, 3, 10, 10, 0))


# ---- the ledger: baseline and sent ---------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path) -> SubscriptionStore:
    return SubscriptionStore(f"sqlite:///{tmp_path / 'notifications.sqlite3'}")


def test_baseline_records_the_keys_silently_and_only_once(store):
    keys = ["status:processing:20260310T000000Z", "due:2026-03-11"]
    assert store.baseline("zalo:4200", CODE, keys) == 2
    assert store.sent("zalo:4200", CODE) == set(keys)
    assert store.claim("zalo:4200", CODE, "due:2026-03-11") is False  # the notifier will not send it
    assert store.baseline("zalo:4200", CODE, [*keys, keys[0]]) == 0  # idempotent, duplicates ignored
    assert store.claim("zalo:4200", CODE, "status:completed:20260312T000000Z") is True  # a later change still goes


def test_baseline_is_per_sender_and_per_dossier(store):
    store.baseline("zalo:4200", CODE, ["status:received"])
    assert store.sent("telegram:4200", CODE) == set()
    assert store.sent("zalo:4200", "000.00.12.H49-260305-0001") == set()
    assert store.claim("telegram:4200", CODE, "status:received") is True
