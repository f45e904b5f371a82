"""The static query encoder: its offline, idempotent build (on a tiny vocabulary, to stay
fast), its vectors, the setting that selects it, and grounding's threshold per encoder."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import MODEL_CACHE

from core.settings import Settings
from ingest import static_build
from ingest.e5_build import BUILTIN_DIR_NAME, ensure_builtin_model
from ingest.static_encoder import StaticEncoder
from rag.grounding import DENSE_THRESHOLDS, Evidence, dense_threshold_for, is_grounded

#: Tokens kept beside the two special ones: enough for PCA over 384 dimensions, small enough
#: for a few seconds of forward passes.
TINY = 420


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, bool]:
    """A static encoder distilled into a fresh folder, with every network connection refused
    (the shared e5 build is linked in, not rebuilt)."""
    models_dir = tmp_path_factory.mktemp("models")
    (models_dir / BUILTIN_DIR_NAME).symlink_to(ensure_builtin_model(MODEL_CACHE))

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise OSError("network access during the build")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket, "create_connection", refuse)
        path, built = static_build.ensure_static_model_status(models_dir, limit=TINY)
    return models_dir, path, built


def test_build_is_offline_and_writes_a_manifest(tiny_build: tuple[Path, Path, bool]) -> None:
    _models_dir, path, built = tiny_build
    assert built
    manifest = json.loads((path / static_build.MANIFEST_NAME).read_text())
    assert manifest["format"] == static_build.BUILD_FORMAT
    assert manifest["source_sha256"]  # taken from the e5 build's own manifest
    assert manifest["vocabulary"] == TINY + len(static_build.SPECIAL_TOKENS)
    assert (path / "model.safetensors").is_file()
    assert not list(path.parent.glob(f".{static_build.STATIC_DIR_NAME}.build-*"))


def test_second_build_is_a_no_op(tiny_build: tuple[Path, Path, bool]) -> None:
    models_dir, path, _built = tiny_build
    before = (path / "model.safetensors").stat().st_mtime_ns
    again, built = static_build.ensure_static_model_status(models_dir, limit=TINY)
    assert (again, built) == (path, False)
    assert (path / "model.safetensors").stat().st_mtime_ns == before


def test_a_build_from_other_inputs_is_redone(tiny_build: tuple[Path, Path, bool]) -> None:
    """A manifest naming another vocabulary (a playbook brought a new token) is rebuilt."""
    models_dir, path, _built = tiny_build
    manifest_path = path / static_build.MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    manifest_path.write_text(json.dumps({**manifest, "vocabulary_sha256": "0" * 64}))
    again, built = static_build.ensure_static_model_status(models_dir, limit=TINY)
    assert (again, built) == (path, True)
    assert (
        json.loads(manifest_path.read_text())["vocabulary_sha256"] == manifest["vocabulary_sha256"]
    )


def test_vectors_are_unit_norm_and_deterministic(tiny_build: tuple[Path, Path, bool]) -> None:
    _models_dir, path, _built = tiny_build
    texts = ["펫 기사님 연락처 알려주세요", "대리 이용내역서 메일로 받을 수 있나요", "OB 요청"]
    first = StaticEncoder(path).embed_queries(texts)
    second = StaticEncoder(path).embed_queries(texts)
    assert first.dtype == np.float32
    assert first.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(first, second)
    assert not np.allclose(first[0], first[1])


def test_concurrent_queries_get_their_own_vectors(tiny_build: tuple[Path, Path, bool]) -> None:
    """Threads share one encoder (the server's request threads)."""
    from concurrent.futures import ThreadPoolExecutor

    encoder = StaticEncoder(tiny_build[1])
    texts = [f"펫 기사님 연락처 {i}일 전 이용" for i in range(64)]
    alone = encoder.embed_queries(texts)
    with ThreadPoolExecutor(8) as pool:
        rows = list(pool.map(lambda t: encoder.embed_queries([t])[0], texts))
    np.testing.assert_array_equal(np.stack(rows), alone)


def test_vocabulary_keeps_korean_and_what_the_texts_use() -> None:
    assert static_build.kept_by_form("▁기사님")
    assert static_build.kept_by_form("▁3일")
    assert static_build.kept_by_form("▁OB")  # two letters: any Latin word stays spellable
    assert not static_build.kept_by_form("▁Straße")
    assert not static_build.kept_by_form("▁москва")
    keep = static_build.kept_tokens(["▁기사", "▁kakao", "▁москва"], {"▁kakao"}, ["<unk>"])
    assert keep == {"▁기사", "▁kakao", "<unk>"}


def test_setting_selects_the_query_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_ASSIST_QUERY_ENCODER", "e5")
    assert Settings().query_encoder == "e5"
    monkeypatch.setenv("AGENT_ASSIST_QUERY_ENCODER", "static")
    assert Settings().query_encoder == "static"
    monkeypatch.setenv("AGENT_ASSIST_QUERY_ENCODER", "bert")
    with pytest.raises(ValueError):
        Settings()
    monkeypatch.delenv("AGENT_ASSIST_QUERY_ENCODER")
    assert Settings().query_encoder == "static"  # the measured default


def test_retriever_uses_the_selected_encoder(
    indexed_settings: Settings,
    tiny_build: tuple[Path, Path, bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ingest import static_encoder
    from rag.retriever import build_retriever

    tiny = StaticEncoder(tiny_build[1])
    monkeypatch.setattr(static_encoder, "load_static_encoder", lambda _settings: tiny)
    static = build_retriever(indexed_settings.model_copy(update={"query_encoder": "static"}))
    assert static.query_encoder == "static"
    snap = static.snapshot()
    assert snap.static is not None
    hits, timings = static.search_timed("펫 기사님 연락처 알려달래요", 5)
    assert hits and all(h.dense_score is not None or h.bm25_score is not None for h in hits)
    assert any(h.dense_score is not None for h in hits)
    assert timings["embed"] < 50  # no forward pass

    e5 = build_retriever(indexed_settings.model_copy(update={"query_encoder": "e5"}))
    assert e5.query_encoder == "e5"
    assert e5.snapshot().static is None


def test_grounding_threshold_follows_the_encoder() -> None:
    assert dense_threshold_for("e5") == DENSE_THRESHOLDS["e5"] == 0.855
    assert dense_threshold_for("static") == DENSE_THRESHOLDS["static"]
    assert dense_threshold_for("static", 0.9) == 0.9  # the setting overrides either
    # A cosine of 0.75 with two heading terms: a match on the static scale, not on e5's.
    evidence = Evidence(
        service_uncovered=False,
        request_covered=False,
        reason_covered=False,
        top_dense=0.75,
        top_bm25=3.0,
        heading_terms=2,
    )
    assert is_grounded(evidence, dense_threshold_for("static"))
    assert not is_grounded(evidence, dense_threshold_for("e5"))


def test_pipeline_reads_the_threshold_of_the_retrievers_encoder(
    indexed_settings: Settings,
    tiny_build: tuple[Path, Path, bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ingest import static_encoder
    from rag import pipeline as pipeline_module
    from rag import question_plan

    tiny = StaticEncoder(tiny_build[1])
    monkeypatch.setattr(static_encoder, "load_static_encoder", lambda _settings: tiny)
    seen: list[float | None] = []
    real = question_plan.is_grounded

    def spy(evidence: Evidence, threshold: float | None = None) -> bool:
        seen.append(threshold)
        return real(evidence, threshold)

    monkeypatch.setattr(question_plan, "is_grounded", spy)
    for encoder in ("static", "e5"):
        seen.clear()
        settings = indexed_settings.model_copy(update={"query_encoder": encoder})
        sug = pipeline_module.build_pipeline(settings).suggest("대리 앱에서 탑승 기록 보는 법")
        assert seen and set(seen) == {DENSE_THRESHOLDS[encoder]}
        assert sug.grounded
        if encoder == "static":
            # Always fused, even where e5 would not be awaited (an item decides grounding):
            # it costs less than deciding not to.
            pipe = pipeline_module.build_pipeline(settings)
            plain = pipe.suggest("펫 운행완료 2일 된 건 차량번호 물어보세요")
            assert "embed" in plain.timings_ms
