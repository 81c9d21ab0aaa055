"""The application form: prove identity, consent, pre-fill, ask only what is missing, correct, confirm, deliver.

One Rasa form (``application_form``) serves the five tờ khai. Its slots, in order:

* ``form_kind`` — which form (from the button, or words in the message: "điền tờ khai khai sinh");
* ``citizen_id`` — the 12-digit ID number; "-" when the citizen fills in without identity data;
* ``otp_code`` — "ok" once the verifier accepts the code (the demo sends it in the chat); "-" without data;
* ``consent`` — "yes" once the citizen agrees that the data fills this form; "-" without data;
* ``form_answer`` — the answer to the field being asked (``form_field``); "done" when nothing is missing;
* ``form_confirmed`` — "yes" when the summary is confirmed; "refused" when consent was refused (the form ends).

``form_values`` holds the field values; fields the records give are in it before the first question, so the form
asks only for the rest. A correction ("sửa ngày sinh của bé", "sửa nơi sinh thành …") works at any question and at
the summary. Nothing personal is logged; the values live only in the conversation's slots and are cleared when the
form is made or abandoned.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from abc import ABC, abstractmethod
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from backends.documents import public_base_url, public_link
from backends.identity.base import IdentityUnavailable, normalize_id_number
from backends.identity.model import Citizen
from backends.identity.verification import OtpService, VerificationLocked, code_for_chat
from forms.render import render_json, render_pdf
from forms.templates import FormField, get_template, missing_fields
from forms.validators import error_message, validate_field, validate_id_number

from .form_prefill import FORM_KINDS, after_answer, next_field, plan_prefill
from .form_text import (
    correction_request,
    detect_form_kind,
    fields_named,
    form_title,
    question,
    suggestions,
    summary,
    words,
)
from .replies import intent_payload, send_answer
from .services import get_assistant, get_consents, get_documents, get_identity_backend, get_verifier
from .tracker_text import conversation_language, entity_value, latest_confidence, latest_intent, user_text

logger = logging.getLogger(__name__)

Events = list[dict[str, Any]]
NO_DATA = "-"  # citizen_id / otp_code / consent when the form is filled in without identity data
DONE = "done"
MAX_ANSWER_CHARS = 400
MAX_FIELD_BUTTONS = 8
YES_WORDS = {"dong y", "co", "co dong y", "ok", "oke", "vang", "da", "u", "dung", "dung roi", "yes", "agree", "i agree"}
NO_WORDS = {"khong", "khong dong y", "ko", "k", "no", "khong dung", "sai", "chua dung", "disagree"}
LEAVE_WORDS = {
    "thoi",
    "khong",
    "ko",
    "k",
    "thoi khong can nua",
    "thoi bo di",
    "bo di",
    "thoi khong dien nua",
    "no",
    "never mind",
}
ABANDONED = "abandoned"
SKIP_WORDS = {"bo qua", "khong co", "tu dien", "tu dien tung muc", "skip", "fill in myself", "khong muon"}
RESEND_WORDS = {"gui lai", "gui lai ma", "ma moi", "chua nhan duoc ma", "resend", "resend code", "new code"}
# Intents that, said confidently where a free-text answer is expected, are a question rather than an answer.
ASIDE_INTENTS = {"ask_procedure", "ask_followup", "check_dossier", "greet", "thank", "goodbye", "help", "chitchat"}
ASIDE_CONFIDENCE = 0.9
QUESTION_WORDS = ("gi", "bao nhieu", "o dau", "the nao", "nhu nao", "khong", "sao", "bao lau", "what", "how", "where")
FORM_SLOTS = ("citizen_id", "otp_code", "consent", "form_answer", "form_confirmed", "form_values", "form_field")
PURPOSE_PREFIX = "form:"
_ID_IN_TEXT = re.compile(r"(?<!\d)(\d[\d .]{10,16}\d)(?!\d)")


def _is_aside(tracker: Tracker, text: str) -> bool:
    """A question asked in the middle of the form ("lệ phí bao nhiêu?"), not an answer to the field."""
    if latest_intent(tracker) not in ASIDE_INTENTS or latest_confidence(tracker) < ASIDE_CONFIDENCE:
        return False
    folded = f" {words(text)} "
    return text.rstrip().endswith("?") or any(f" {w} " in folded for w in QUESTION_WORDS)


def _values(tracker: Tracker) -> dict[str, Any]:
    value = tracker.get_slot("form_values")
    return dict(value) if isinstance(value, dict) else {}


def _kind(tracker: Tracker) -> str | None:
    kind = tracker.get_slot("form_kind")
    return kind if kind in FORM_KINDS else None


def _title(tracker: Tracker) -> str:
    """The form's name for use inside a sentence ("tờ khai đăng ký khai sinh")."""
    kind = _kind(tracker)
    if kind is None:
        return ""
    lang = conversation_language(tracker)
    title = form_title(kind, lang)
    return title.lower() if lang == "vi" else title


def _no_data() -> dict[str, Any]:
    return {"citizen_id": NO_DATA, "otp_code": NO_DATA, "consent": NO_DATA}


def _load_prefill(kind: str, id_number: str) -> dict[str, Any] | None:
    """The values the records give for ``kind``; None when the identity system cannot be asked."""
    backend = get_identity_backend()
    try:
        citizen = backend.get(id_number)
        if citizen is None:
            return {}
        relatives = backend.relatives(citizen)
        notices = backend.birth_notices(citizen.id_number) if kind == "khai_sinh" else []
    except IdentityUnavailable as exc:
        logger.warning("identity system unavailable: %s", exc)
        return None
    return plan_prefill(kind, citizen, relatives, notices)


def _after_prefill(dispatcher: CollectingDispatcher, kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """Announce what was filled; the slots that follow (``form_answer`` "done" when nothing is missing)."""
    missing = len(missing_fields(kind, values))
    if missing:
        dispatcher.utter_message(response="utter_form_prefilled_ask", filled=len(values), missing=missing)
        return {"form_values": values}
    dispatcher.utter_message(response="utter_form_prefilled", filled=len(values))
    return {"form_values": values, "form_answer": DONE}


def _answered(kind: str, key: str, answer: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The slots once ``key`` holds ``answer``: the values (and what follows from them), then the next question."""
    values = after_answer(kind, key, {**values, key: answer})
    done = next_field(kind, values) is None
    return {
        "form_values": values,
        "form_redo": None,
        "form_field": None,
        "form_confirmed": None,
        "form_answer": DONE if done else None,
    }


def _field_buttons(kind: str, fields: list[FormField], lang: str) -> list[dict[str, str]]:
    buttons = []
    for f in fields[:MAX_FIELD_BUTTONS]:
        title = question(kind, f, lang).split("?")[0]
        buttons.append({"title": title[:60], "payload": intent_payload("correct_field", form_field=f.key)})
    return buttons


class ActionStartForm(Action):
    """Start (or restart) a form: which one, and whether identity was already proved in this conversation."""

    def name(self) -> str:
        return "action_start_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        kind = entity_value(tracker, "form_kind")
        if kind not in FORM_KINDS:
            kind = detect_form_kind(user_text(tracker))
        slots: dict[str, Any] = {s: None for s in FORM_SLOTS}
        slots.update({"form_kind": kind, "form_redo": None, "requested_slot": None})
        if entity_value(tracker, "prefill") == "none":
            slots.update(_no_data())
            slots["form_values"] = {}
            return [SlotSet(k, v) for k, v in slots.items()]
        verified = tracker.get_slot("verified_citizen")
        if isinstance(verified, str) and normalize_id_number(verified):
            slots.update({"citizen_id": verified, "otp_code": "ok"})  # proved earlier in this conversation
            if kind and get_consents().granted(tracker.sender_id, verified, PURPOSE_PREFIX + kind):
                values = _load_prefill(kind, verified)
                if values is not None:
                    slots["consent"] = "yes"
                    slots.update(_after_prefill(dispatcher, kind, values))
        return [SlotSet(k, v) for k, v in slots.items()]


class ValidateApplicationForm(FormValidationAction):
    def name(self) -> str:
        return "validate_application_form"

    # -- which form ----------------------------------------------------------------------------------------------

    async def extract_form_kind(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != "form_kind":
            return {}
        kind = entity_value(tracker, "form_kind") or detect_form_kind(user_text(tracker))
        return {"form_kind": kind} if kind in FORM_KINDS else {}

    def validate_form_kind(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return {"form_kind": value if value in FORM_KINDS else None}

    # -- who: ID number, one-time code, consent ------------------------------------------------------------------

    async def extract_citizen_id(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        text = user_text(tracker)[:MAX_ANSWER_CHARS]
        if text.startswith("/") or latest_intent(tracker) in {"stop_form", "restart", "request_human", "deny"}:
            return {}
        if tracker.get_slot("requested_slot") == "citizen_id":
            return {"citizen_id": text}
        if tracker.get_slot("citizen_id") is None:  # "điền tờ khai khai sinh, cccd 0220…" in the first message
            found = _ID_IN_TEXT.search(text)
            if found and normalize_id_number(found.group(1).replace(" ", "")):
                return {"citizen_id": found.group(1)}
        return {}

    def validate_citizen_id(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value == NO_DATA or (value and value == tracker.get_slot("verified_citizen")):
            return {"citizen_id": value}  # no data wanted, or proved earlier in this conversation
        text = str(value or "")
        if words(text) in SKIP_WORDS:
            dispatcher.utter_message(response="utter_form_manual")
            return {**_no_data(), "form_values": _values(tracker)}
        found = _ID_IN_TEXT.search(text)
        id_number, error = validate_id_number(found.group(1) if found else text)
        if error:
            lang = conversation_language(tracker)
            dispatcher.utter_message(response="utter_form_id_invalid", error=error_message(error, lang))
            return {"citizen_id": None}
        try:
            citizen = get_identity_backend().get(id_number)
        except IdentityUnavailable as exc:
            logger.warning("identity system unavailable: %s", exc)
            dispatcher.utter_message(response="utter_form_identity_down")
            return {**_no_data(), "form_values": {}}
        if citizen is None:
            dispatcher.utter_message(response="utter_form_no_identity")
            return {**_no_data(), "form_values": {}}
        if not self._send_code(dispatcher, tracker, citizen):
            return {**_no_data(), "form_values": {}}
        return {"citizen_id": id_number}

    @staticmethod
    def _send_code(dispatcher: CollectingDispatcher, tracker: Tracker, citizen: Citizen) -> bool:
        verifier = get_verifier()
        try:
            hint = verifier.start(tracker.sender_id, citizen)
        except VerificationLocked:
            dispatcher.utter_message(response="utter_form_otp_locked")
            return False
        code = code_for_chat(verifier, tracker.sender_id)
        if code:
            dispatcher.utter_message(response="utter_form_otp_demo", masked=citizen.masked_id, code=code)
        else:
            dispatcher.utter_message(response="utter_form_otp_sent", masked=citizen.masked_id, hint=hint or "")
        return True

    def validate_otp_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value in ("ok", NO_DATA):
            return {"otp_code": value}
        id_number = tracker.get_slot("citizen_id")
        if not isinstance(id_number, str) or not normalize_id_number(id_number):
            return {"citizen_id": None, "otp_code": None}
        answer = str(value or "")[:MAX_ANSWER_CHARS]
        if words(answer) in RESEND_WORDS:
            return self._resend(dispatcher, tracker, id_number)
        verifier = get_verifier()
        if isinstance(verifier, OtpService):
            outcome = verifier.check(tracker.sender_id, id_number, answer)
        else:
            citizen = get_identity_backend().get(id_number)
            outcome = "ok" if citizen is not None and verifier.confirm(tracker.sender_id, citizen, answer) else "wrong"
        if outcome == "ok":
            return {"otp_code": "ok", "verified_citizen": id_number}
        if outcome == "locked":
            dispatcher.utter_message(response="utter_form_otp_locked")
            return {**_no_data(), "form_values": {}}
        if outcome in ("expired", "none"):
            dispatcher.utter_message(response="utter_form_otp_expired")
            return self._resend(dispatcher, tracker, id_number)
        dispatcher.utter_message(response="utter_form_otp_wrong")
        return {"otp_code": None}

    def _resend(self, dispatcher: CollectingDispatcher, tracker: Tracker, id_number: str) -> dict[str, Any]:
        try:
            citizen = get_identity_backend().get(id_number)
        except IdentityUnavailable:
            citizen = None
        if citizen is None or not self._send_code(dispatcher, tracker, citizen):
            return {**_no_data(), "form_values": {}}
        return {"otp_code": None}

    def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value in ("yes", NO_DATA):
            return {"consent": value}
        kind, id_number = _kind(tracker), tracker.get_slot("citizen_id")
        intent, said = latest_intent(tracker), words(str(value or ""))
        if intent == "deny" or said in NO_WORDS:
            dispatcher.utter_message(response="utter_form_consent_refused", buttons=self._refused_buttons(tracker))
            return {"consent": "no", "form_answer": NO_DATA, "form_confirmed": "refused", "form_values": None}
        if not (intent == "affirm" or said in YES_WORDS) or kind is None or not isinstance(id_number, str):
            dispatcher.utter_message(response="utter_ask_consent", form=_title(tracker))
            return {"consent": None}
        get_consents().grant(tracker.sender_id, id_number, PURPOSE_PREFIX + kind)
        values = _load_prefill(kind, id_number)
        if values is None:
            dispatcher.utter_message(response="utter_form_identity_down")
            values = {}
        return {"consent": "yes", **_after_prefill(dispatcher, kind, {**_values(tracker), **values})}

    @staticmethod
    def _refused_buttons(tracker: Tracker) -> list[dict[str, str]]:
        kind, lang = _kind(tracker), conversation_language(tracker)
        buttons = [
            {
                "title": "Fill in myself" if lang == "en" else "Tự điền từng mục",
                "payload": intent_payload("start_form", form_kind=kind or "", prefill="none"),
            }
        ]
        if kind:
            code = get_template(kind).procedure_code
            title = "What to bring" if lang == "en" else "Giấy tờ cần mang"
            buttons.append({"title": title, "payload": intent_payload("ask_aspect", aspect="documents", code=code)})
        return buttons

    # -- the fields ----------------------------------------------------------------------------------------------

    def validate_form_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        kind = _kind(tracker)
        if value in (DONE, NO_DATA) or kind is None:
            return {"form_answer": value}
        lang = conversation_language(tracker)
        values = _values(tracker)
        text = str(value or "")[:MAX_ANSWER_CHARS]
        if latest_intent(tracker) == "deny" and words(text) in LEAVE_WORDS:
            return {"form_answer": NO_DATA, "form_confirmed": ABANDONED}  # "thôi" where an answer was expected
        correction = self._correction(dispatcher, tracker, kind, values, text)
        if correction is not None:
            return correction
        asked = next_field(kind, values, tracker.get_slot("form_field") or tracker.get_slot("form_redo"))
        if asked is None:
            return {"form_answer": DONE}
        if _is_aside(tracker, text):
            dispatcher.utter_message(response="utter_form_stay_on_form")
            return {"form_answer": None}
        answer, error = validate_field(asked, text, today=date.today())
        if error:
            dispatcher.utter_message(text=error_message(error, lang))
            return {"form_answer": None}
        return _answered(kind, asked.key, answer, values)

    def _correction(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, kind: str, values: dict[str, Any], text: str
    ) -> dict[str, Any] | None:
        """The slots after "sửa …"; None when the message is not a correction."""
        lang = conversation_language(tracker)
        key = entity_value(tracker, "form_field") if latest_intent(tracker) == "correct_field" else None
        request = None if key else correction_request(text)
        if key is None and request is None:
            if latest_intent(tracker) != "correct_field" or latest_confidence(tracker) < ASIDE_CONFIDENCE:
                return None
            request = (text, None)
        template = get_template(kind)
        if key in template.keys:
            fields = [template.field(key)]
            new_value = None
        else:
            what, new_value = request or ("", None)
            fields = fields_named(kind, what) if what else []
        if len(fields) != 1:
            filled = fields or [f for f in template.fields if values.get(f.key)]
            dispatcher.utter_message(response="utter_form_which_field", buttons=_field_buttons(kind, filled, lang))
            return {"form_answer": None, "form_confirmed": None}
        f = fields[0]
        if new_value is not None:
            answer, error = validate_field(f, new_value, today=date.today())
            if error is None:
                return _answered(kind, f.key, answer, values)
            dispatcher.utter_message(text=error_message(error, lang))
        values.pop(f.key, None)
        return {
            "form_values": values,
            "form_redo": f.key,
            "form_field": None,
            "form_answer": None,
            "form_confirmed": None,
        }

    # -- the summary ---------------------------------------------------------------------------------------------

    def validate_form_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value in ("yes", "refused", ABANDONED):
            return {"form_confirmed": value}
        kind = _kind(tracker)
        if kind is None:
            return {"form_confirmed": None}
        text = str(value or "")[:MAX_ANSWER_CHARS]
        intent, said = latest_intent(tracker), words(text)
        correction = self._correction(dispatcher, tracker, kind, _values(tracker), text)
        if correction is not None:
            return correction
        if intent == "affirm" or said in YES_WORDS:
            return {"form_confirmed": "yes"}
        if intent == "deny" or said in NO_WORDS:
            lang = conversation_language(tracker)
            values = _values(tracker)
            filled = [f for f in get_template(kind).fields if values.get(f.key)]
            dispatcher.utter_message(response="utter_form_which_field", buttons=_field_buttons(kind, filled, lang))
        return {"form_confirmed": None}


class _AskNamingTheForm(Action, ABC):
    """Ask for a slot with a response that names the form ("… để điền sẵn tờ khai đăng ký khai sinh …")."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        dispatcher.utter_message(response=f"utter_ask_{self.slot}", form=_title(tracker))
        return []


class ActionAskCitizenId(_AskNamingTheForm):
    slot = "citizen_id"


class ActionAskConsent(_AskNamingTheForm):
    """Consent to use the identity data for this form only."""

    slot = "consent"


class ActionAskFormAnswer(Action):
    """Ask for the next field the records did not give (or the one being corrected)."""

    def name(self) -> str:
        return "action_ask_form_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        kind = _kind(tracker)
        if kind is None:
            dispatcher.utter_message(response="utter_ask_form_kind")
            return []
        values, lang = _values(tracker), conversation_language(tracker)
        f = next_field(kind, values, tracker.get_slot("form_redo"))
        if f is None:
            return [SlotSet("form_answer", DONE)]
        left = len(missing_fields(kind, values))
        progress = "" if left < 2 else f" ({left} left)" if lang == "en" else f" (còn {left} mục)"
        buttons = [{"title": s[:60], "payload": s} for s in suggestions(kind, f)]
        buttons.append({"title": "Stop" if lang == "en" else "Dừng", "payload": "/stop_form"})
        dispatcher.utter_message(text=question(kind, f, lang) + progress, buttons=buttons)
        return [SlotSet("form_field", f.key)]


class ActionAskFormConfirmed(Action):
    """The summary of every filled field (ID numbers masked), with confirm / change / stop buttons."""

    def name(self) -> str:
        return "action_ask_form_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        kind = _kind(tracker)
        if kind is None:
            dispatcher.utter_message(response="utter_ask_form_kind")
            return []
        lang = conversation_language(tracker)
        en = lang == "en"
        buttons = [
            {"title": "Yes, make the form" if en else "Đúng, tạo tờ khai", "payload": "/affirm"},
            {"title": "Change a field" if en else "Sửa một mục", "payload": "/deny"},
            {"title": "Stop" if en else "Dừng", "payload": "/stop_form"},
        ]
        dispatcher.utter_message(
            response="utter_form_summary",
            title=form_title(kind, lang),
            summary=summary(kind, _values(tracker), lang),
            buttons=buttons,
        )
        return []


def _clear_form() -> Events:
    return [SlotSet(s, None) for s in (*FORM_SLOTS, "form_kind", "form_redo")]


class ActionSubmitForm(Action):
    """Make the PDF and the JSON, send short-lived links, then what else to bring, the fee and where to file."""

    def name(self) -> str:
        return "action_submit_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        kind = _kind(tracker)
        outcome = tracker.get_slot("form_confirmed")
        if outcome == ABANDONED:
            dispatcher.utter_message(response="utter_form_abandoned")
        if kind is None or outcome != "yes":
            return _clear_form()
        lang = conversation_language(tracker)
        values = {k: v for k, v in _values(tracker).items() if k in get_template(kind).keys}
        try:
            files = _render(kind, values)
            stored = get_documents().put(tracker.sender_id, files)
        except (OSError, ValueError) as exc:
            logger.warning("form %s could not be made: %s", kind, type(exc).__name__)
            dispatcher.utter_message(response="utter_form_render_failed")
            return _clear_form()
        base = public_base_url()
        pdf_name, json_name = sorted(files, key=lambda n: not n.endswith(".pdf"))
        pdf, json_link = public_link(base, stored, pdf_name), public_link(base, stored, json_name)
        minutes = max(1, round((stored.expires_at - datetime.now(UTC)).total_seconds() / 60))
        en = lang == "en"
        dispatcher.utter_message(
            response="utter_form_ready",
            minutes=minutes,
            pdf=pdf,
            buttons=[
                {"title": "Download PDF" if en else "Tải tờ khai (PDF)", "url": pdf, "payload": ""},
                {"title": "Download JSON" if en else "Tải tệp JSON", "url": json_link, "payload": ""},
            ],
        )
        logger.info("form %s made (%d fields)", kind, len(values))
        try:
            explained = get_assistant().explain(get_template(kind).procedure_code, "documents", lang)
        except Exception:  # the catalogue answer is a courtesy: the form is already delivered
            logger.exception("retrieval layer unavailable after a form")
            explained = None
        if explained is not None:
            send_answer(dispatcher, explained.answer)
        return _clear_form()


def _render(kind: str, values: dict[str, Any]) -> dict[str, bytes]:
    stem = f"to-khai-{kind.replace('_', '-')}"
    with tempfile.TemporaryDirectory(prefix="motcua-form-") as tmp:
        pdf_path = render_pdf(kind, values, Path(tmp) / f"{stem}.pdf")
        pdf = pdf_path.read_bytes()
    document = json.dumps(render_json(kind, values), ensure_ascii=False, indent=2).encode()
    return {f"{stem}.pdf": pdf, f"{stem}.json": document}


class ActionAbandonForm(Action):
    """The citizen stopped midway: clear every value they gave (nothing is kept)."""

    def name(self) -> str:
        return "action_abandon_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        dispatcher.utter_message(response="utter_form_abandoned")
        return _clear_form()
