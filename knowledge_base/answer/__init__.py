"""Answer composition: which aspect a question asks for, and a short answer from a catalogue entry."""

from knowledge_base.answer.aspect import Aspect, detect_aspect, detect_aspects
from knowledge_base.answer.compose import (
    MAX_CHARS,
    Answer,
    Button,
    compose_answer,
    compose_message,
    compose_not_found,
)

__all__ = [
    "MAX_CHARS",
    "Answer",
    "Aspect",
    "Button",
    "compose_answer",
    "compose_message",
    "compose_not_found",
    "detect_aspect",
    "detect_aspects",
]
