"""Chat shorthand / teencode expansion ("e muốn đk kết hôn cần j" → "em muốn đăng ký kết hôn cần gì").

The table lives in knowledge_base/data/shorthand.yaml: unconditional replacements (single tokens or
short phrases) and context rules for ambiguous tokens ("a" is "anh" at the start of a sentence but
"ạ" at its end; "hk" is "hộ khẩu" after "nhập" but "không" before "biết").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .normalize import fold, syllables

__all__ = [
    "expand_acronyms",
    "expand_shorthand",
    "expand_shorthand_tokens",
    "expand_tokens",
    "load_shorthand_table",
]

_SENTENCE_BREAK_RE = re.compile(r"[?!;:\n()\[\]…]+|[.,](?!\d)|(?<!\d)[.,]")
_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}")
# Rhymes after "qu" that chat writes with "w" ("wa" → "qua", "wen" → "quen").
_QU_RHYME_TEXT = "a an ang anh at ay e en et y yen yet ai ach oc"
_QU_RHYMES = frozenset(_QU_RHYME_TEXT.split())


@dataclass(frozen=True)
class _Rule:
    expand: str
    position: str | None = None
    before: frozenset[str] = frozenset()
    after: frozenset[str] = frozenset()

    def matches(self, prev: str | None, nxt: str | None) -> bool:
        if self.position == "start" and prev is not None:
            return False
        if self.position == "end" and nxt is not None:
            return False
        if self.position == "alone" and (prev is not None or nxt is not None):
            return False
        if self.before and nxt not in self.before:
            return False
        return not (self.after and prev not in self.after)


@dataclass(frozen=True)
class ShorthandTable:
    phrases: dict[tuple[str, ...], list[str]]  # tokens → replacement tokens
    max_len: int
    contextual: dict[str, list[_Rule]]


@lru_cache(maxsize=1)
def load_shorthand_table() -> ShorthandTable:
    text = resources.files("knowledge_base").joinpath("data/shorthand.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    phrases: dict[tuple[str, ...], list[str]] = {}
    for key, value in (data.get("always") or {}).items():
        phrases[tuple(syllables(str(key)))] = syllables(str(value))
    contextual: dict[str, list[_Rule]] = {}
    for key, rules in (data.get("contextual") or {}).items():
        contextual[str(key)] = [
            _Rule(
                expand=str(r["expand"]),
                position=r.get("position"),
                before=frozenset(str(x) for x in r.get("before", ())),
                after=frozenset(str(x) for x in r.get("after", ())),
            )
            for r in rules
        ]
    return ShorthandTable(phrases=phrases, max_len=max(map(len, phrases), default=1), contextual=contextual)


def _squeeze(token: str, table: ShorthandTable) -> str:
    """Collapse letters repeated three times or more ("đâuuuu" → "đâu"); fix "w" for "qu"."""
    if (token,) in table.phrases or token in table.contextual:
        return token
    token = _REPEAT_RE.sub(r"\1", token)
    if len(token) > 1 and token[0] == "w" and fold(token[1:]) in _QU_RHYMES:
        token = "qu" + token[1:]
    return token


def _expand(tokens: list[str]) -> list[tuple[str, bool]]:
    """(token, came from the table) for one sentence given as cleaned tokens."""
    table = load_shorthand_table()
    tokens = [_squeeze(t, table) for t in tokens]
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        prev = tokens[i - 1] if i > 0 else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        rules = table.contextual.get(tok)
        if rules:
            rule = next((r for r in rules if r.matches(prev, nxt)), None)
            if rule is not None:
                out.extend((w, w != tok) for w in rule.expand.split())
                i += 1
                continue
        for n in range(min(table.max_len, len(tokens) - i), 0, -1):
            repl = table.phrases.get(tuple(tokens[i : i + n]))
            if repl is not None:
                out.extend((w, True) for w in repl)
                i += n
                break
        else:
            out.append((tok, False))
            i += 1
    return out


def expand_tokens(tokens: list[str]) -> list[str]:
    """Expand one sentence given as cleaned tokens."""
    return [w for w, _ in _expand(tokens)]


def expand_shorthand_tokens(text: str) -> list[tuple[str, bool]]:
    """(token, expanded from shorthand) over the whole text, sentence by sentence."""
    out: list[tuple[str, bool]] = []
    for part in _SENTENCE_BREAK_RE.split(text or ""):
        tokens = syllables(part)
        if tokens:
            out.extend(_expand(tokens))
    return out


def expand_acronyms(tokens: list[str]) -> list[tuple[str, bool]]:
    """Only the administrative acronyms ("cccd", "bhxh", "gplx"): safe inside English text."""
    table = load_shorthand_table()
    out: list[tuple[str, bool]] = []
    for tok in tokens:
        repl = table.phrases.get((tok,)) if len(tok) >= 4 and tok.isascii() else None
        out.extend((w, True) for w in repl) if repl else out.append((tok, False))
    return out


def expand_shorthand(text: str) -> str:
    """Cleaned text with chat shorthand expanded; words typed with diacritics are kept as typed."""
    return " ".join(w for w, _ in expand_shorthand_tokens(text))
