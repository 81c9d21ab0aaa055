"""The text every NLU example and every user message is reduced to before intent classification.

Pure Python on top of :mod:`knowledge_base.text`, so the same rules serve retrieval and the classifier: NFC,
lower case, chat shorthand expanded ("đk" → "đăng ký", "j" → "gì"), then tone marks folded ("đăng ký" → "dang ky"),
so that "làm giấy khai sinh", "lam giay khai sinh" and "lm giấy ks" look alike to the classifier.
"""

from __future__ import annotations

from knowledge_base.text import clean, expand_shorthand, fold

MAX_NLU_CHARS = 2000


def is_payload(text: str) -> bool:
    """Button payloads ("/ask_aspect{…}") are parsed by Rasa itself and must reach it untouched."""
    return text.lstrip().startswith("/")


def normalize_for_nlu(text: str) -> str:
    """Folded, shorthand-expanded, lower-case text; payloads and empty text are returned unchanged."""
    if not text or is_payload(text):
        return text
    text = text[:MAX_NLU_CHARS]
    normalized = fold(expand_shorthand(clean(text)))[:MAX_NLU_CHARS]  # expansion can lengthen it
    return normalized or text.strip().lower()
