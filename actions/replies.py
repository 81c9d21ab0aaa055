"""Turn the retrieval layer's answers into rasa-sdk messages (text + buttons) and debug slot values."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from forms.templates import FORM_TEMPLATES
from knowledge_base.answer import Answer
from knowledge_base.answer.compose import intent_payload
from knowledge_base.assistant import AskResult
from knowledge_base.related import RelatedOffer

MAX_DEBUG_CANDIDATES = 5


def buttons_of(answer: Answer) -> list[dict[str, str]]:
    return [{"title": b.title, "payload": b.payload} for b in answer.buttons]


def send_answer(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    dispatcher.utter_message(text=answer.text, buttons=buttons_of(answer))


def send_related(dispatcher: CollectingDispatcher, offers: list[RelatedOffer], lang: str) -> None:
    """ "Có thể bạn cũng cần làm:" with one button per related procedure (nothing when there are none)."""
    if not offers:
        return
    buttons = [{"title": o.title(lang), "payload": intent_payload("choose_procedure", code=o.code)} for o in offers]
    dispatcher.utter_message(response="utter_related_intro", buttons=buttons)


def form_for_procedure(code: str) -> str | None:
    """The form the assistant can pre-fill for the procedure ``code`` (e.g. ``"khai_sinh"`` for 1.001193)."""
    for key, template in FORM_TEMPLATES.items():
        if template.procedure_code == code:
            return key
    return None


def send_form_offer(dispatcher: CollectingDispatcher, code: str | None, lang: str) -> None:
    """ "Tôi điền sẵn tờ khai này giúp bạn" with a button, for the procedures whose form the assistant fills."""
    kind = form_for_procedure(code or "")
    if kind is None:
        return
    title = "Fill in the form for me" if lang == "en" else "Điền sẵn tờ khai giúp tôi"
    dispatcher.utter_message(
        response="utter_form_offer", buttons=[{"title": title, "payload": intent_payload("start_form", form_kind=kind)}]
    )


def debug_info(result: AskResult, action: str) -> dict[str, Any]:
    """What the staff shell's ``--debug`` shows about the last retrieval: codes and scores, never the user's text."""
    search = result.search
    return {
        "action": action,
        "aspect": str(result.aspect),
        "oos": result.oos,
        "in_scope_probability": search.in_scope_probability if search else None,
        "ambiguous": search.ambiguous if search else False,
        "procedures": [{"code": p["code"], "score": p["score"]} for p in result.procedures[:MAX_DEBUG_CANDIDATES]],
    }
