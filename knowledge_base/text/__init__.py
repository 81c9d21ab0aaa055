"""Vietnamese text layer used by retrieval: normalization, shorthand, aliases, tone restoration."""

from .aliases import expand_aliases, matched_aliases
from .normalize import clean, detect_language, fold, has_diacritics, nfc, normalize_tone_placement, syllables
from .query import (
    PreparedQuery,
    get_tone_restorer,
    prepare_query,
    set_tone_model_path,
    set_tone_restorer,
    warm_up,
)
from .shorthand import expand_shorthand
from .tones import ToneRestorer, evaluate_tone_restorer

__all__ = [
    "PreparedQuery",
    "ToneRestorer",
    "clean",
    "detect_language",
    "evaluate_tone_restorer",
    "expand_aliases",
    "expand_shorthand",
    "fold",
    "get_tone_restorer",
    "has_diacritics",
    "matched_aliases",
    "nfc",
    "normalize_tone_placement",
    "prepare_query",
    "set_tone_model_path",
    "set_tone_restorer",
    "syllables",
    "warm_up",
]
