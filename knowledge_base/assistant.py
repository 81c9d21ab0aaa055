"""One question in, one short answer out: retrieval + aspect detection + answer composition."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from knowledge_base.answer import (
    Answer,
    Aspect,
    compose_answer,
    compose_message,
    compose_not_found,
    detect_aspect,
)
from knowledge_base.retrieval.documents import display_name
from knowledge_base.retrieval.index import load_index
from knowledge_base.retrieval.retriever import Retriever, SearchResult
from knowledge_base.settings import RetrievalSettings

MAX_QUESTION_CHARS = 2000
_PAYLOAD = re.compile(r"^/(ask_aspect|choose_procedure)(\{.*\})$", re.DOTALL)


@dataclass
class AskResult:
    query: str
    oos: bool
    aspect: Aspect
    answer: Answer
    search: SearchResult | None
    language: str = "vi"
    procedures: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The shape of ``motcua ask --json`` (DESIGN.md contract)."""
        return {
            "query": self.query,
            "oos": self.oos,
            "aspect": str(self.aspect),
            "answer": self.answer.text,
            "procedures": self.procedures,
        }


class Assistant:
    """The retrieval layer's front door; build with :meth:`from_settings` (loads or builds the index)."""

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever

    @classmethod
    def from_settings(cls, settings: RetrievalSettings | None = None, show_progress: bool = True) -> Assistant:
        settings = settings or RetrievalSettings.from_env()
        return cls(Retriever(load_index(settings, show_progress=show_progress)))

    def warm_up(self) -> None:
        self.retriever.index.encoder.warm_up()
        self.retriever.search("đăng ký khai sinh")

    def ask(self, question: str, top_k: int = 5, lang: str | None = None) -> AskResult:
        """Answer one question; ``lang`` ("vi"/"en") overrides the language detected from the question."""
        question = question if isinstance(question, str) else ""
        if len(question) > MAX_QUESTION_CHARS:
            return self._message(question, "too_long")
        result = self.retriever.search(question, top_k=top_k)
        prepared = result.prepared
        language = lang if lang in ("vi", "en") else (prepared.language if prepared else "vi")
        if prepared is None or not prepared.folded.strip():
            return self._message(question, "empty", language)
        aspect = detect_aspect(question)
        if result.oos or not result.candidates:
            return AskResult(question, True, aspect, compose_not_found(language), result, language)
        best = result.candidates[0]
        alternatives = [c.procedure for c in result.candidates[1:3]] if result.ambiguous else []
        answer = compose_answer(
            best.procedure, aspect, lang=language, alternatives=alternatives, ambiguous=result.ambiguous
        )
        procedures = [{"code": c.code, "name": c.name, "score": c.score} for c in result.candidates]
        return AskResult(question, False, aspect, answer, result, language, procedures)

    def follow(self, payload: str, lang: str = "vi") -> AskResult:
        """Answer a button press (``/ask_aspect{"aspect": …, "code": …}`` or ``/choose_procedure{"code": …}``).

        Payloads can be typed or forged: anything that does not name a known procedure and aspect gets the
        "not understood" message instead of an error.
        """
        match = _PAYLOAD.match(payload.strip()) if isinstance(payload, str) else None
        try:
            entities = json.loads(match.group(2)) if match else {}
        except ValueError:
            entities = {}
        if not isinstance(entities, dict):
            entities = {}
        result = self.explain(str(entities.get("code", "")), str(entities.get("aspect", "general")), lang)
        if result is None:
            return self._message(str(payload)[:200], "empty", lang)
        result.query = str(payload)
        return result

    def explain(self, code: str, aspect: str = "general", lang: str = "vi") -> AskResult | None:
        """The answer to ``aspect`` of the procedure ``code``; None when no such procedure exists.

        An unknown aspect falls back to the general answer.
        """
        procedure = self.retriever.procedure(code) if isinstance(code, str) else None
        if procedure is None:
            return None
        try:
            chosen = Aspect(aspect)
        except ValueError:
            chosen = Aspect.GENERAL
        answer = compose_answer(procedure, chosen, lang=lang)
        procedures = [{"code": procedure.code, "name": display_name(procedure), "score": 1.0}]
        return AskResult(code, False, chosen, answer, None, lang, procedures)

    def _message(self, question: str, key: str, language: str = "vi") -> AskResult:
        return AskResult(question, True, Aspect.GENERAL, compose_message(key, language), None, language)
