"""The dossier actions on tracker fixtures, against the real SQL backend (a seeded SQLite file)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.dossier_guard import MAX_FAILURES_PER_SENDER, AttemptGuard, AuditLog
from actions.dossiers import (
    ActionLookupDossier,
    ActionSubscribeDossier,
    ValidateDossierForm,
    verification_digits,
)
from backends.dossiers.base import BackendUnavailable
from backends.dossiers.model import DossierStatus
from backends.dossiers.seed import seed_demo
from backends.dossiers.sql import SqlDossierBackend
from backends.notifications.store import SubscriptionStore


@pytest.fixture
def demo(tmp_path):
    backend = SqlDossierBackend(f"sqlite:///{tmp_path / 'dossiers.sqlite3'}")
    demos = seed_demo(backend)
    audit = AuditLog(tmp_path / "audit.jsonl")
    services.reset_dossier_services(backend, AttemptGuard(), audit, SubscriptionStore(f"sqlite:///{tmp_path / 'n.db'}"))
    yield {d.status: d for d in demos}, audit
    services.reset_dossier_services()


def tracker(text: str, slots: dict[str, Any] | None = None, sender: str = "zalo:1001") -> Tracker:
    values = {"language": "vi", **(slots or {})}
    latest = {"text": text, "intent": {"name": "check_dossier", "confidence": 0.9}, "entities": []}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    return Tracker(sender, values, latest, events, False, None, {"name": "dossier_form"}, "action_listen")


def run(action, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def slots(events) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def lookup(code: str, answer: str, sender: str = "zalo:1001"):
    return run(ActionLookupDossier(), tracker("", {"dossier_code": code, "dossier_verification": answer}, sender))


@pytest.mark.parametrize("status", list(DossierStatus))
def test_a_verified_lookup_explains_every_status(demo, status):
    demos, _ = demo
    d = demos[status]
    messages, events = lookup(d.code, d.verification)
    assert messages[0]["response"] == f"utter_dossier_{status.value}"
    assert messages[0]["code"] == d.code
    assert slots(events) == {"dossier_code": None, "dossier_verification": None, "verified_dossier": d.code}


def test_a_supplement_request_lists_the_documents_and_the_deadline(demo):
    demos, _ = demo
    d = demos[DossierStatus.SUPPLEMENT_REQUESTED]
    messages, _ = lookup(d.code, d.verification)
    assert messages[0]["documents"].startswith("- ") and "/" in messages[0]["deadline"]


def test_an_unknown_code_and_a_wrong_answer_get_the_same_reply(demo):
    demos, _ = demo
    d = demos[DossierStatus.PROCESSING]
    wrong = "0000" if d.verification != "0000" else "1111"
    unknown_messages, unknown_events = lookup("000.00.12.H49-991231-9999", d.verification, sender="zalo:a")
    wrong_messages, wrong_events = lookup(d.code, wrong, sender="zalo:b")
    assert unknown_messages == wrong_messages
    assert len(unknown_messages) == 1 and unknown_messages[0]["response"] == "utter_dossier_not_found"
    assert slots(unknown_events) == slots(wrong_events) == {"dossier_code": None, "dossier_verification": None}
    assert "verified_dossier" not in slots(wrong_events)


def test_no_status_is_revealed_without_verification(demo):
    demos, _ = demo
    for d in demos.values():
        for answer in ("", "12345", "abcd", "' OR 1=1 --", "\u0660\u0661\u0662\u0663x"):
            messages, events = lookup(d.code, answer, sender=f"web:{d.code}{answer!r}")
            shown = {m.get("response") for m in messages} - {"utter_dossier_not_found", "utter_dossier_locked"}
            assert not shown, f"{d.code} revealed with {answer!r}: {shown}"
            assert "verified_dossier" not in slots(events)


def test_too_many_failures_lock_the_sender_even_with_the_right_answer_afterwards(demo):
    demos, audit = demo
    d = demos[DossierStatus.RECEIVED]
    for _ in range(MAX_FAILURES_PER_SENDER):
        lookup(d.code, "0000" if d.verification != "0000" else "1111", sender="zalo:guesser")
    messages, events = lookup(d.code, d.verification, sender="zalo:guesser")
    assert messages[0]["response"] == "utter_dossier_locked" and messages[0]["minutes"] >= 1
    assert "verified_dossier" not in slots(events)
    outcomes = audit.path.read_text().splitlines()
    assert sum('"locked"' in line for line in outcomes) == 1


def test_backend_down_is_a_polite_message(demo):
    class Down:
        def get(self, code):
            raise BackendUnavailable("timeout")

    services.reset_dossier_services(Down(), AttemptGuard(), demo[1], None)
    messages, events = lookup("000.00.12.H49-261125-0003", "1234")
    assert len(messages) == 1 and messages[0]["response"] == "utter_dossier_backend_down"
    assert "verified_dossier" not in slots(events)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("000.00.12.h49 261125 0003", "000.00.12.H49-261125-0003"),
        ("mã của tôi là 000.00.12.H49-261125-0003 ạ", "000.00.12.H49-261125-0003"),
    ],
)
def test_the_form_reads_the_code_from_free_text(demo, typed, expected):
    form = ValidateDossierForm()
    extracted = asyncio.run(form.extract_dossier_code(CollectingDispatcher(), tracker(typed), {}))
    assert extracted == {"dossier_code": expected}


@pytest.mark.parametrize("typed", ["abc", "'; DROP TABLE dossiers; --", "<script>alert(1)</script>", "😀", "1" * 500])
def test_a_malformed_code_is_re_asked_politely(demo, typed):
    dispatcher = CollectingDispatcher()
    result = ValidateDossierForm().validate_dossier_code(typed, dispatcher, tracker(typed), {})
    assert result == {"dossier_code": None}
    assert dispatcher.messages[0]["response"] == "utter_invalid_dossier_code"


def test_a_code_of_another_province_is_explained(demo):
    dispatcher = CollectingDispatcher()
    code = "000.00.04.H51-200221-0001"
    result = ValidateDossierForm().validate_dossier_code(code, dispatcher, tracker(code), {})
    assert result == {"dossier_code": None}
    assert dispatcher.messages[0]["response"] == "utter_dossier_other_province"
    assert dispatcher.messages[0]["province"] == "H51"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("5678", "5678"), ("5 6 7 8", "5678"), ("0912345678", "5678"), ("84912345678", "5678"), ("56789", None),
     ("abcd", None), ("", None), ("12 tháng 3", None)],
)  # fmt: skip
def test_verification_answers(typed, expected):
    assert verification_digits(typed) == expected


def test_following_needs_a_verified_dossier(demo):
    messages, _ = run(ActionSubscribeDossier(), tracker("báo cho tôi nhé"))
    assert messages[0]["response"] == "utter_subscribe_needs_lookup"
    demos, _ = demo
    d = demos[DossierStatus.PROCESSING]
    messages, _ = run(ActionSubscribeDossier(), tracker("báo cho tôi nhé", {"verified_dossier": d.code}))
    assert messages[0]["response"] == "utter_subscribed"
    assert services.get_subscriptions().subscribers(d.code) == [("zalo:1001", "vi")]


@pytest.mark.parametrize("intent", ["deny", "request_human"])
def test_leaving_words_are_not_taken_for_a_code(demo, intent):
    t = tracker("thôi không cần nữa", {"requested_slot": "dossier_code"})
    t.latest_message["intent"] = {"name": intent, "confidence": 0.95}
    assert asyncio.run(ValidateDossierForm().extract_dossier_code(CollectingDispatcher(), t, {})) == {}
    t.latest_message["intent"] = {"name": "check_dossier", "confidence": 0.95}
    assert asyncio.run(ValidateDossierForm().extract_dossier_code(CollectingDispatcher(), t, {})) == {
        "dossier_code": "thôi không cần nữa"
    }


def test_a_late_dossier_says_how_late_and_every_answer_links_the_procedure(demo):
    demos, _ = demo
    backend = services.get_dossier_backend()
    late = [d for d in seed_demo(backend) if d.status is DossierStatus.PROCESSING and "overdue" in d.scenario]
    assert late, "the demo has overdue dossiers"
    messages, _ = lookup(late[0].code, late[0].verification)
    responses = [m["response"] for m in messages]
    assert responses == ["utter_dossier_processing", "utter_dossier_late", "utter_dossier_actions"]
    assert messages[1]["days"] >= 1
    on_time = demos[DossierStatus.RECEIVED]
    messages, _ = lookup(on_time.code, on_time.verification)
    assert [m["response"] for m in messages] == ["utter_dossier_received", "utter_dossier_actions"]
    procedure = backend.get(on_time.code).procedure_code
    assert messages[-1]["buttons"][0]["payload"] == f'/choose_procedure{{"code":"{procedure}"}}'
