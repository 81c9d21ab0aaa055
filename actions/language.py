"""Keep the ``language`` slot right: an explicit request, or a message clearly written in one language.

Run by Rasa's ``action_extract_slots`` on every user message (a custom slot mapping with an action), so that the
responses of the same turn already speak the citizen's language.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge_base.text import detect_language, has_diacritics

from .tracker_text import latest_intent, user_text

MIN_WORDS_TO_SWITCH = 3
EXPLICIT = {"switch_language_en": "en", "switch_language_vi": "vi"}


def language_of(text: str) -> str | None:
    """ "vi" or "en" when the message says so clearly; None for short or unclear text (keep the current one)."""
    if not text or text.lstrip().startswith("/"):
        return None
    if has_diacritics(text):
        return "vi"
    if len(text.split()) < MIN_WORDS_TO_SWITCH:
        return None
    return detect_language(text)


class ActionDetectLanguage(Action):
    def name(self) -> str:
        return "action_detect_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        wanted = EXPLICIT.get(latest_intent(tracker)) or language_of(user_text(tracker))
        if wanted is None or wanted == tracker.get_slot("language"):
            return []
        return [SlotSet("language", wanted)]
