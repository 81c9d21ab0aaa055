"""One entry point for retrieval: `prepare_query` turns a citizen's message into the query forms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from .aliases import alias_terms, load_alias_table, match_tokens
from .glossary import glossary_terms, load_glossary
from .normalize import clean, detect_language, fold, has_diacritics, syllables
from .shorthand import expand_acronyms, expand_shorthand_tokens, load_shorthand_table
from .tones import ToneRestorer

__all__ = [
    "PreparedQuery",
    "get_tone_restorer",
    "prepare_query",
    "set_tone_model_path",
    "set_tone_restorer",
    "warm_up",
]

_lock = Lock()
_model_path: Path | None = None
_restorer: ToneRestorer | None = None


def set_tone_model_path(path: str | Path | None) -> None:
    """Where `prepare_query` loads the tone model from (on first use). None disables restoration."""
    global _model_path, _restorer
    with _lock:
        _model_path = Path(path) if path is not None else None
        _restorer = None


def set_tone_restorer(restorer: ToneRestorer | None) -> None:
    """Use an already built / loaded restorer (tests, or a process that trained one)."""
    global _restorer
    with _lock:
        _restorer = restorer


def get_tone_restorer() -> ToneRestorer | None:
    """The configured restorer, loaded lazily; None when no model path is set or the file is missing."""
    global _restorer
    with _lock:
        if _restorer is None and _model_path is not None and _model_path.exists():
            _restorer = ToneRestorer.load(_model_path)
        return _restorer


def warm_up() -> None:
    """Load the shorthand, alias and glossary tables and the tone model now rather than on the first query."""
    load_shorthand_table()
    load_alias_table()
    load_glossary()
    get_tone_restorer()


@dataclass(frozen=True)
class PreparedQuery:
    original: str
    cleaned: str  # NFC, lower-case, markup and punctuation removed
    expanded: str  # shorthand expanded + catalogue terms of matched aliases appended
    restored: str  # `expanded` with tone marks restored when the input had none; else = expanded
    folded: str  # fold(expanded)
    folded_own: str  # fold of the citizen's own (shorthand-expanded) words, without the alias terms appended
    language: str  # "vi" | "en"
    had_diacritics: bool


def prepare_query(text: str, *, restorer: ToneRestorer | None = None) -> PreparedQuery:
    """Clean, expand shorthand and aliases, restore tones, fold. Never raises on odd input."""
    original = text if isinstance(text, str) else str(text or "")
    cleaned = clean(original)
    language = detect_language(cleaned)
    had = has_diacritics(cleaned)
    english = language == "en"
    pairs = expand_acronyms(syllables(cleaned)) if english else expand_shorthand_tokens(cleaned)
    tokens = [t for t, _ in pairs]
    fixed = [f for _, f in pairs]
    matches = match_tokens(tokens)
    terms = alias_terms(matches)
    if english:
        covered = {i for start, end, _ in matches for i in range(start, end)}
        terms += [t for t in glossary_terms(tokens, covered) if t not in terms]
    expanded = " ".join([*tokens, *terms])
    restored = expanded
    if language == "vi" and not had and tokens:
        model = restorer if restorer is not None else get_tone_restorer()
        if model is not None:
            # A phrase matched by folding tells us its diacritics ("so do" → "sổ đỏ").
            for start, end, entry in matches:
                tokens[start:end] = entry.tokens
                fixed[start:end] = [True] * (end - start)
            restored = " ".join([*model.restore_tokens(tokens, fixed), *terms])
    return PreparedQuery(
        original=original,
        cleaned=cleaned,
        expanded=expanded,
        restored=restored,
        folded=fold(expanded),
        folded_own=fold(" ".join(tokens)),
        language=language,
        had_diacritics=had,
    )
