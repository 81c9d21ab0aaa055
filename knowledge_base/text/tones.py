"""Restore Vietnamese tone marks on text typed without them.

A syllable bigram model learned from the catalogue's own text: for every folded syllable the
diacritized forms seen with their counts, bigram counts over diacritized syllables (sentence
boundaries and numbers are tokens too), Witten-Bell smoothing, Viterbi decoding. Only syllables typed
with no mark at all are restored; syllables with marks are kept and used as context; unknown
syllables are left as they are.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .normalize import fold, nfc, normalize_tone_placement

__all__ = ["ToneRestorer", "evaluate_tone_restorer", "split_sentences"]

_FORMAT = "motcua-tones-v1"
_BOS, _EOS, _NUM = 0, 1, 2
_RESERVED = ("<s>", "</s>", "<num>")
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_SENT_SPLIT_RE = re.compile(r"[.!?;:\n|()\[\]\"“”]+(?!\d)|\s[-–•*+]\s")
_MAX_CANDIDATES = 8


def _segments(text: str) -> Iterator[list[tuple[int, int, str]]]:
    """Token spans (start, end, token) of `text`, cut where anything but whitespace separates tokens."""
    current: list[tuple[int, int, str]] = []
    last_end = 0
    for m in _TOKEN_RE.finditer(text):
        start = m.start()
        if current and start > last_end and not text[last_end:start].isspace():  # \s is str.isspace in re
            yield current
            current = []
        current.append((start, m.end(), m.group(0)))
        last_end = m.end()
    if current:
        yield current


# What separates segments: any character that is neither whitespace nor part of a token (a dot or comma counts
# as part of a token only between two digits, as in _TOKEN_RE).
_BREAKS_RE = re.compile(r"(?:(?<!\d)[.,]|[.,](?!\d)|[^\w\s.,]|_)+")


def _segment_tokens(text: str) -> Iterator[list[str]]:
    """The tokens of each segment of :func:`_segments`, found by C-level splitting (for training)."""
    for part in _BREAKS_RE.split(text):
        tokens = _TOKEN_RE.findall(part)
        if tokens:
            yield tokens


def split_sentences(text: str) -> list[str]:
    """Sentence-like chunks of running text (used to hold out sentences in evaluation)."""
    return [s.strip() for s in _SENT_SPLIT_RE.split(nfc(text)) if s and s.strip()]


@lru_cache(maxsize=200_000)
def _norm_token(token: str) -> str:
    return normalize_tone_placement(token.lower())


def _recase(original: str, restored: str) -> str:
    if original.islower():
        return restored
    if original.isupper() and len(original) > 1:
        return restored.upper()
    if original[:1].isupper():
        return restored[:1].upper() + restored[1:]
    return restored


@dataclass
class ToneRestorer:
    """Syllable bigram tone restorer. Build with `train`, persist with `save` / `load`."""

    vocab: list[str] = field(default_factory=lambda: list(_RESERVED))
    unigram: list[int] = field(default_factory=lambda: [0, 0, 0])
    bigram: dict[int, int] = field(default_factory=dict)
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    _candidates: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _out_total: list[int] = field(default_factory=list, repr=False)
    _out_types: list[int] = field(default_factory=list, repr=False)
    _uni_logp: list[float] = field(default_factory=list, repr=False)

    # --- building ------------------------------------------------------------------------------

    @classmethod
    def train(cls, texts: Iterable[str]) -> ToneRestorer:
        """Count syllables and bigrams over `texts` (any running Vietnamese text, with diacritics)."""
        index: dict[str, int] = {tok: i for i, tok in enumerate(_RESERVED)}
        unigram: Counter[int] = Counter()
        bigram: Counter[tuple[int, int]] = Counter()

        class _TokenIds(dict[str, int]):
            """Token as written → vocabulary id, filled on first sight (then looked up in C by ``map``)."""

            def __missing__(self, tok: str) -> int:
                self[tok] = _NUM if tok[0].isdigit() else index.setdefault(_norm_token(tok), len(index))
                return self[tok]

        token_ids = _TokenIds()
        for text in texts:
            for segment in _segment_tokens(nfc(text)):
                ids = list(map(token_ids.__getitem__, segment))
                ids.append(_EOS)
                unigram.update(ids)  # Counter.update counts an iterable in C
                bigram.update(itertools.pairwise([_BOS, *ids]))
        vocab = [""] * len(index)
        for tok, i in index.items():
            vocab[i] = tok
        size = len(vocab)
        model = cls(
            vocab=vocab,
            unigram=[unigram.get(i, 0) for i in range(size)],
            bigram={a * size + b: c for (a, b), c in bigram.items()},
        )
        model._prepare()
        return model

    def _prepare(self) -> None:
        size = len(self.vocab)
        self._index = {tok: i for i, tok in enumerate(self.vocab)}
        groups: dict[str, list[int]] = defaultdict(list)
        for i, tok in enumerate(self.vocab):
            if i >= len(_RESERVED):
                groups[fold(tok)].append(i)
        self._candidates = {
            key: sorted(ids, key=lambda i: -self.unigram[i])[:_MAX_CANDIDATES] for key, ids in groups.items()
        }
        out_total = [0] * size
        out_types = [0] * size
        for key, count in self.bigram.items():
            a = key // size
            out_total[a] += count
            out_types[a] += 1
        self._out_total, self._out_types = out_total, out_types
        total = sum(self.unigram) + size
        self._uni_logp = [math.log((c + 1) / total) for c in self.unigram]

    # --- persistence ---------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write a gzip JSON file (vocabulary, unigram counts, flat bigram triples)."""
        size = len(self.vocab)
        flat: list[int] = []
        for key, count in self.bigram.items():
            flat.extend((key // size, key % size, count))
        payload = {"format": _FORMAT, "vocab": self.vocab, "unigram": self.unigram, "bigram": flat}
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as fh:
            json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, path: str | Path) -> ToneRestorer:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            payload = json.load(fh)
        if payload.get("format") != _FORMAT:
            raise ValueError(f"{path}: not a tone model ({payload.get('format')!r})")
        vocab = payload["vocab"]
        size = len(vocab)
        flat = payload["bigram"]
        it = iter(flat)
        bigram = {a * size + b: c for a, b, c in zip(it, it, it, strict=True)}
        model = cls(vocab=vocab, unigram=payload["unigram"], bigram=bigram)
        model._prepare()
        return model

    # --- decoding ------------------------------------------------------------------------------

    def _logp(self, a: int, b: int) -> float:
        """Witten-Bell interpolated log P(b | a); -1 stands for an unknown syllable."""
        if b < 0:
            return math.log(1e-6)
        if a < 0:
            return self._uni_logp[b]
        total = self._out_total[a]
        types = self._out_types[a]
        p_uni = math.exp(self._uni_logp[b])
        if total == 0:
            return math.log(p_uni)
        count = self.bigram.get(a * len(self.vocab) + b, 0)
        return math.log((count + types * p_uni) / (total + types))

    def _options(self, token: str) -> list[tuple[int, str]]:
        if token[0].isdigit():
            return [(_NUM, token)]
        key = _norm_token(token)
        if key == fold(key):  # typed without any mark: every known form is a candidate
            ids = self._candidates.get(key)
            if ids:
                return [(i, self.vocab[i]) for i in ids]
            return [(-1, key)]
        return [(self._index.get(key, -1), key)]

    def _fixed(self, token: str) -> list[tuple[int, str]]:
        if token[0].isdigit():
            return [(_NUM, token)]
        key = _norm_token(token)
        return [(self._index.get(key, -1), key)]

    def restore_tokens(self, tokens: list[str], fixed: list[bool] | None = None) -> list[str]:
        """Restore a token list as one sentence; tokens flagged in `fixed` are kept and used as context."""
        if not tokens:
            return []
        flags = fixed if fixed is not None else [False] * len(tokens)
        lattice = [self._fixed(t) if f else self._options(t) for t, f in zip(tokens, flags, strict=True)]
        restored = self._viterbi(lattice)
        return [
            tok if f or tok[0].isdigit() or fold(tok) != tok else _recase(tok, new)
            for tok, new, f in zip(tokens, restored, flags, strict=True)
        ]

    def _decode(self, tokens: list[str]) -> list[str]:
        return self._viterbi([self._options(tok) for tok in tokens])

    def _viterbi(self, lattice: list[list[tuple[int, str]]]) -> list[str]:
        # best[j] = (score, backpointer index) for candidate j at the current position
        scores = [self._logp(_BOS, cid) for cid, _ in lattice[0]]
        back: list[list[int]] = [[-1] * len(lattice[0])]
        for pos in range(1, len(lattice)):
            prev_opts, new_scores, pointers = lattice[pos - 1], [], []
            for cid, _ in lattice[pos]:
                best, arg = -math.inf, 0
                for k, (pid, _) in enumerate(prev_opts):
                    s = scores[k] + self._logp(pid, cid)
                    if s > best:
                        best, arg = s, k
                new_scores.append(best)
                pointers.append(arg)
            scores = new_scores
            back.append(pointers)
        last = lattice[-1]
        j = max(range(len(last)), key=lambda k: scores[k] + self._logp(last[k][0], _EOS))
        out = [""] * len(lattice)
        for pos in range(len(lattice) - 1, -1, -1):
            out[pos] = lattice[pos][j][1]
            j = back[pos][j]
        return out

    def restore(self, text: str) -> str:
        """`text` with tone marks restored on syllables typed without any; everything else is kept."""
        text = nfc(text)
        if not text:
            return text
        pieces: list[str] = []
        last = 0
        for segment in _segments(text):
            tokens = [tok for _, _, tok in segment]
            restored = self._decode(tokens)
            for (start, end, tok), new in zip(segment, restored, strict=True):
                pieces.append(text[last:start])
                if tok[0].isdigit() or fold(tok) != tok:
                    pieces.append(tok)
                else:
                    pieces.append(_recase(tok, new))
                last = end
        pieces.append(text[last:])
        return "".join(pieces)


def _letter_tokens(text: str) -> list[str]:
    return [_norm_token(t) for t in _TOKEN_RE.findall(nfc(text)) if not t[0].isdigit()]


def evaluate_tone_restorer(texts: Iterable[str], holdout_fraction: float = 0.1, seed: int = 0) -> dict:
    """Train on (1 - holdout_fraction) of the distinct sentences, restore the folded rest, compare.

    Sentences are de-duplicated before the split, so boilerplate repeated across procedures does not
    leak from training into the held-out part.
    """
    sentences = sorted({s for text in texts for s in split_sentences(text) if _letter_tokens(s)})
    rng = random.Random(seed)
    rng.shuffle(sentences)
    n_hold = max(1, int(len(sentences) * holdout_fraction))
    held, train = sentences[:n_hold], sentences[n_hold:]
    model = ToneRestorer.train(train)
    correct = total = exact = ambiguous_total = ambiguous_correct = 0
    for sentence in held:
        gold = _letter_tokens(sentence)
        pred = _letter_tokens(model.restore(fold(sentence)))
        if len(pred) != len(gold):  # cannot happen with the shared tokenizer; count as all wrong
            total += len(gold)
            continue
        hits = [p == g for p, g in zip(pred, gold, strict=True)]
        correct += sum(hits)
        total += len(gold)
        exact += all(hits)
        for p, g in zip(pred, gold, strict=True):
            if len(model._candidates.get(fold(g), ())) > 1:
                ambiguous_total += 1
                ambiguous_correct += p == g
    return {
        "train_sentences": len(train),
        "heldout_sentences": len(held),
        "heldout_syllables": total,
        "syllable_accuracy": correct / total if total else 0.0,
        "sentence_exact": exact / len(held) if held else 0.0,
        "ambiguous_syllable_accuracy": ambiguous_correct / ambiguous_total if ambiguous_total else 0.0,
        "vocab_size": len(model.vocab),
        "bigrams": len(model.bigram),
    }
