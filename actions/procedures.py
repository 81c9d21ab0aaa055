"""Actions for procedure questions: answer, follow up on the procedure under discussion, choose, show related.

The retrieval layer (``knowledge_base``) finds the procedure and writes the answer; these actions decide which
procedure a turn is about and keep the dialogue state in slots:

* ``procedure_code`` — the procedure under discussion; follow-ups ("còn lệ phí thì sao?") are about it;
* ``candidates`` — the codes offered in "Ý bạn là…?", so that "số 2" or a part of a name picks one;
* ``misunderstood`` — consecutive turns that could not be placed; at two the citizen is offered a person.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge_base.answer import Aspect
from knowledge_base.answer.aspect import topic_words
from knowledge_base.assistant import AskResult, Assistant

from .choice import match_name, parse_ordinal
from .replies import debug_info, send_answer, send_form_offer, send_related
from .services import get_assistant, get_related
from .tracker_text import conversation_language, entity_value, latest_intent, user_text

logger = logging.getLogger(__name__)

# A follow-up turn switches to a new procedure only when retrieval is this sure of a different one.
NEW_TOPIC_PROBABILITY = 0.8
MAX_WORDS_FOR_NAME_CHOICE = 8
LOST_TURNS_BEFORE_HUMAN = 2

Events = list[dict[str, Any]]


def _candidates(tracker: Tracker) -> list[str]:
    value = tracker.get_slot("candidates")
    return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []


def _lost_turns(tracker: Tracker) -> int:
    try:
        return int(tracker.get_slot("misunderstood") or 0)
    except (TypeError, ValueError):
        return 0


def _assistant_or_apology(dispatcher: CollectingDispatcher) -> Assistant | None:
    try:
        return get_assistant()
    except Exception:  # the index could not be loaded: apologize instead of failing the turn
        logger.exception("retrieval layer unavailable")
        dispatcher.utter_message(response="utter_busy")
        return None


def _topic_events(result: AskResult, action: str, candidates: list[str] | None = None) -> Events:
    code = result.procedures[0]["code"] if result.procedures else None
    return [
        SlotSet("procedure_code", code),
        SlotSet("aspect", str(result.aspect)),
        SlotSet("candidates", candidates or None),
        SlotSet("misunderstood", 0.0),
        SlotSet("retrieval_debug", debug_info(result, action)),
    ]


def answer_procedure(
    dispatcher: CollectingDispatcher,
    assistant: Assistant,
    code: str,
    aspect: str,
    lang: str,
    action: str,
    offer_related: bool,
) -> Events | None:
    """Answer ``aspect`` of ``code`` (and offer related procedures); None when the code is unknown."""
    result = assistant.explain(code, aspect, lang)
    if result is None:
        return None
    send_answer(dispatcher, result.answer)
    if offer_related:
        send_related(dispatcher, get_related().for_code(code), lang)
        send_form_offer(dispatcher, code, lang)
    return _topic_events(result, action)


def new_topic(assistant: Assistant, text: str, current: str, lang: str) -> AskResult | None:
    """The answer about another procedure when a follow-up-looking turn names one ("thế còn khai tử thì sao?").

    The words left after removing aspect phrases and fillers are searched on their own; None when nothing is
    left, nothing is found, or it is the procedure already under discussion.
    """
    words = topic_words(text)
    if not words:
        return None
    result = assistant.ask(" ".join(words), lang=lang)
    if result.oos or not result.procedures or result.search is None:
        return None
    if result.procedures[0]["code"] == current or result.search.in_scope_probability < NEW_TOPIC_PROBABILITY:
        return None
    return assistant.ask(text, lang=lang) if not result.search.ambiguous else result


class ActionAnswerQuestion(Action):
    """A free question: a new procedure, a follow-up about the current one, a typed choice, or not understood."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        assistant = _assistant_or_apology(dispatcher)
        if assistant is None:
            return []
        text, lang, intent = user_text(tracker), conversation_language(tracker), latest_intent(tracker)
        current = tracker.get_slot("procedure_code")
        chosen = self._typed_choice(assistant, text, _candidates(tracker))
        if chosen is not None:
            aspect = tracker.get_slot("aspect") or "general"
            events = answer_procedure(dispatcher, assistant, chosen, aspect, lang, self.name(), offer_related=True)
            if events is not None:
                return events
        result = assistant.ask(text, lang=lang)
        if result.search is None:  # nothing asked, or far too long: the retrieval layer's own message
            send_answer(dispatcher, result.answer)
            return []
        followup = bool(current) and (intent == "ask_followup" or (result.oos and result.aspect != Aspect.GENERAL))
        if followup:
            other = new_topic(assistant, text, current, lang)
            if other is not None:
                return self._new_topic(dispatcher, other, lang)
            events = answer_procedure(
                dispatcher, assistant, current, str(result.aspect), lang, self.name(), offer_related=False
            )
            if events is not None:
                return events
        if not result.oos:
            return self._new_topic(dispatcher, result, lang)
        if intent == "ask_followup" and not current:  # "còn lệ phí thì sao?" before any procedure was named
            dispatcher.utter_message(response="utter_ask_which_procedure")
            return []
        return self._not_understood(dispatcher, tracker, result, intent)

    @staticmethod
    def _typed_choice(assistant: Assistant, text: str, candidates: list[str]) -> str | None:
        """A short message that clearly names one of the offered candidates ("cấp lại", "cái ở xã")."""
        if len(candidates) < 2 or len(text.split()) > MAX_WORDS_FOR_NAME_CHOICE:
            return None
        procedures = [assistant.retriever.procedure(code) for code in candidates]
        known = [(code, p.name) for code, p in zip(candidates, procedures, strict=True) if p is not None]
        index = match_name(text, [name for _, name in known])
        return known[index][0] if index is not None else None

    def _new_topic(self, dispatcher: CollectingDispatcher, result: AskResult, lang: str) -> Events:
        send_answer(dispatcher, result.answer)
        search = result.search
        ambiguous = bool(search and search.ambiguous)
        candidates = [p["code"] for p in result.procedures[:3]] if ambiguous else None
        if not ambiguous:
            send_related(dispatcher, get_related().for_code(result.procedures[0]["code"]), lang)
            send_form_offer(dispatcher, result.procedures[0]["code"], lang)
        return _topic_events(result, self.name(), candidates)

    def _not_understood(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, result: AskResult, intent: str
    ) -> Events:
        lost = _lost_turns(tracker) + 1
        if lost >= LOST_TURNS_BEFORE_HUMAN:
            dispatcher.utter_message(response="utter_offer_human")
        elif intent == "nlu_fallback":
            dispatcher.utter_message(response="utter_clarify")
        else:  # a clear procedure question the catalogue has no answer for
            send_answer(dispatcher, result.answer)
        return [SlotSet("misunderstood", float(lost)), SlotSet("retrieval_debug", debug_info(result, self.name()))]


class ActionAnswerAspect(Action):
    """An aspect button (``/ask_aspect{"aspect": "fee", "code": "1.001193"}``) or its forged look-alikes."""

    def name(self) -> str:
        return "action_answer_aspect"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        assistant = _assistant_or_apology(dispatcher)
        if assistant is None:
            return []
        code = entity_value(tracker, "code") or tracker.get_slot("procedure_code") or ""
        aspect = entity_value(tracker, "aspect") or "general"
        events = answer_procedure(
            dispatcher, assistant, code, aspect, conversation_language(tracker), self.name(), False
        )
        if events is None:
            dispatcher.utter_message(response="utter_ask_which_procedure")
            return []
        return events


class ActionChooseProcedure(Action):
    """A candidate chosen by button (``/choose_procedure{"code": …}``) or typed ("số 2", "cái cuối")."""

    def name(self) -> str:
        return "action_choose_procedure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        assistant = _assistant_or_apology(dispatcher)
        if assistant is None:
            return []
        candidates = _candidates(tracker)
        code = entity_value(tracker, "code")
        if code is None and candidates:
            index = parse_ordinal(user_text(tracker), len(candidates))
            code = candidates[index] if index is not None else None
        aspect = tracker.get_slot("aspect") or "general"
        events = (
            answer_procedure(dispatcher, assistant, code, aspect, conversation_language(tracker), self.name(), True)
            if code
            else None
        )
        if events is None:
            dispatcher.utter_message(response="utter_choose_again" if candidates else "utter_ask_which_procedure")
            return []
        return events


class ActionShowRelated(Action):
    """The procedures that usually come with the one under discussion (khai sinh → thường trú, thẻ BHYT)."""

    def name(self) -> str:
        return "action_show_related"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> Events:
        code = tracker.get_slot("procedure_code")
        if not code:
            dispatcher.utter_message(response="utter_ask_which_procedure")
            return []
        offers = get_related().for_code(code)
        if offers:
            send_related(dispatcher, offers, conversation_language(tracker))
        else:
            dispatcher.utter_message(response="utter_no_related")
        return []
