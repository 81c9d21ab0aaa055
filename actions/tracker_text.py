"""What the citizen just said, read from the tracker as they typed it."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def user_text(tracker: Tracker) -> str:
    """The text of the last user message as typed (the NLU pipeline only sees a folded copy)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            text = event.get("text")
            return text if isinstance(text, str) else ""
    text = tracker.latest_message.get("text")
    return text if isinstance(text, str) else ""


def latest_intent(tracker: Tracker) -> str:
    intent = tracker.latest_message.get("intent") or {}
    return str(intent.get("name") or "")


def latest_confidence(tracker: Tracker) -> float:
    intent = tracker.latest_message.get("intent") or {}
    try:
        return float(intent.get("confidence") or 0.0)
    except (TypeError, ValueError):
        return 0.0


def entity_value(tracker: Tracker, name: str) -> str | None:
    """The first value of entity ``name`` in the last message (button payloads carry them), as text."""
    for entity in tracker.latest_message.get("entities") or []:
        if isinstance(entity, dict) and entity.get("entity") == name:
            value: Any = entity.get("value")
            return value if isinstance(value, str) else None
    return None


def conversation_language(tracker: Tracker) -> str:
    """The ``language`` slot as "vi" or "en" (anything else counts as Vietnamese)."""
    return "en" if tracker.get_slot("language") == "en" else "vi"
