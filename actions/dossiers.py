"""Dossier status: the form that asks for the code and a verification answer, the lookup, and subscriptions.

No path reveals a dossier without verification: the status is sent only after ``verification_matches``; an unknown
code and a wrong answer get the same reply, and both count towards the attempt limits (``dossier_guard``).
"""

from __future__ import annotations

import logging
import os
import re
from datetime import date, datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from backends.dossiers.base import BackendUnavailable, verification_matches
from backends.dossiers.codes import find_dossier_code, normalize_dossier_code, province_of
from backends.dossiers.model import VN_TZ, Dossier
from backends.notifications.notices import baseline_keys

from .replies import intent_payload
from .services import get_audit_log, get_dossier_backend, get_guard, get_subscriptions
from .tracker_text import conversation_language, latest_intent, user_text

logger = logging.getLogger(__name__)

Events = list[dict[str, Any]]
MAX_CODE_INPUT = 120
# Messages that leave the lookup: not taken as a code, so the form rejects them and the rules take over.
LEAVE_INTENTS = {"deny", "restart", "request_human", "goodbye"}


def home_province() -> str:
    """The province this deployment serves (its dossier codes end in this code); Quảng Ninh by default."""
    return os.environ.get("MOTCUA_PROVINCE_CODE", "H49").upper()


def verification_digits(text: str) -> str | None:
    """The 4 digits typed ("5678", "5 6 7 8"), or the last 4 of a whole phone number; None otherwise."""
    digits = re.sub(r"\D", "", text or "")
    if len(text or "") > 40:
        return None
    if len(digits) == 4:
        return digits
    if len(digits) in (10, 11) and digits.startswith(("0", "84")):
        return digits[-4:]
    return None


def _day(value: date | datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def status_values(dossier: Dossier) -> dict[str, str]:
    """The template variables of the ``utter_dossier_<status>`` responses."""
    last_note = dossier.history[-1].note if dossier.history else ""
    supplement, payment = dossier.supplement, dossier.payment
    return {
        "code": dossier.code,
        "procedure": dossier.procedure_name,
        "step": dossier.current_step or "—",
        "due": _day(dossier.due_at),
        "completed": _day(dossier.completed_at),
        "note": last_note or "—",
        "documents": "\n".join(f"- {d}" for d in supplement.documents) if supplement else "—",
        "deadline": _day(supplement.deadline if supplement else payment.deadline if payment else None),
        "amount": _money(payment.amount_vnd) if payment else "—",
        "agency": dossier.agency or "—",
    }


def days_late(dossier: Dossier, now: datetime) -> int:
    """Whole days past the due date of a dossier still open (0 when on time, closed or without a due date)."""
    if not dossier.is_overdue(now) or dossier.due_at is None:
        return 0
    return max(1, (now.astimezone(VN_TZ).date() - dossier.due_at.astimezone(VN_TZ).date()).days)


class ValidateDossierForm(FormValidationAction):
    def name(self) -> str:
        return "validate_dossier_form"

    async def extract_dossier_code(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        """The code from the message that started the lookup ("hồ sơ 000.00.12.H49-… đến đâu rồi"), or the answer."""
        text = user_text(tracker)[:MAX_CODE_INPUT]
        if text.startswith("/") or latest_intent(tracker) in LEAVE_INTENTS:
            return {}
        found = find_dossier_code(text)
        if found:
            return {"dossier_code": found}
        if tracker.get_slot("requested_slot") == "dossier_code":
            return {"dossier_code": text}  # validated (and refused politely) below
        return {}

    def validate_dossier_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        code = normalize_dossier_code(value) if isinstance(value, str) else None
        if code is None:
            get_audit_log().record(tracker.sender_id, None, "malformed_code")
            dispatcher.utter_message(response="utter_invalid_dossier_code")
            return {"dossier_code": None}
        province = province_of(code)
        if province != home_province():
            get_audit_log().record(tracker.sender_id, code, "other_province")
            dispatcher.utter_message(response="utter_dossier_other_province", code=code, province=province)
            return {"dossier_code": None}
        return {"dossier_code": code}

    def validate_dossier_verification(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        digits = verification_digits(value) if isinstance(value, str) else None
        if digits is None:
            dispatcher.utter_message(response="utter_invalid_verification")
            return {"dossier_verification": None}
        return {"dossier_verification": digits}


class ActionLookupDossier(Action):
    """The form's submit: limits, lookup, verification, then the status in plain words — or one same refusal."""

    def name(self) -> str:
        return "action_lookup_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        clear = [SlotSet("dossier_code", None), SlotSet("dossier_verification", None)]
        code, answer = tracker.get_slot("dossier_code"), tracker.get_slot("dossier_verification")
        sender = tracker.sender_id
        audit, guard = get_audit_log(), get_guard()
        if not isinstance(code, str) or not isinstance(answer, str):
            dispatcher.utter_message(response="utter_ask_dossier_code")
            return clear
        wait = guard.locked_for(sender, code)
        if wait:
            audit.record(sender, code, "locked")
            dispatcher.utter_message(response="utter_dossier_locked", minutes=max(1, -(-wait // 60)))
            return clear
        try:
            dossier = get_dossier_backend().get(code)
        except BackendUnavailable:
            audit.record(sender, code, "backend_unavailable")
            dispatcher.utter_message(response="utter_dossier_backend_down")
            return clear
        if dossier is None or not verification_matches(dossier, answer):
            guard.failure(sender, code)
            audit.record(sender, code, "not_matched")
            dispatcher.utter_message(response="utter_dossier_not_found")
            return clear
        guard.success(sender, code)
        audit.record(sender, code, "shown")
        values = status_values(dossier)
        dispatcher.utter_message(response=f"utter_dossier_{dossier.status.value}", **values)
        late = days_late(dossier, datetime.now(VN_TZ))
        if late:
            dispatcher.utter_message(response="utter_dossier_late", days=late, due=values["due"])
        procedure_button = {  # the procedure's catalogue entry: requirements, fee, official link
            "title": dossier.procedure_name[:60],
            "payload": intent_payload("choose_procedure", code=dossier.procedure_code),
        }
        dispatcher.utter_message(response="utter_dossier_actions", buttons=[procedure_button])
        return [*clear, SlotSet("verified_dossier", code)]


class ActionSubscribeDossier(Action):
    def name(self) -> str:
        return "action_subscribe_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        code = tracker.get_slot("verified_dossier")
        if not code:
            dispatcher.utter_message(response="utter_subscribe_needs_lookup")
            return []
        subscriptions = get_subscriptions()
        try:
            dossier = get_dossier_backend().get(code)
        except BackendUnavailable:
            dossier = None  # subscribe anyway: at worst the first notice repeats the status just shown
        if dossier is not None:
            # What the citizen has just been shown is not news: record it as sent BEFORE subscribing.
            subscriptions.baseline(tracker.sender_id, code, baseline_keys(dossier, datetime.now(VN_TZ)))
        subscriptions.subscribe(tracker.sender_id, code, conversation_language(tracker))
        get_audit_log().record(tracker.sender_id, code, "subscribed")
        dispatcher.utter_message(response="utter_subscribed", code=code)
        return []


class ActionUnsubscribeDossier(Action):
    def name(self) -> str:
        return "action_unsubscribe_dossier"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        get_subscriptions().unsubscribe_all(tracker.sender_id)
        dispatcher.utter_message(response="utter_unsubscribed")
        return []
