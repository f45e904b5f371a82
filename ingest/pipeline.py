"""``ingest_kb``: bring the store in line with the knowledge base folder.

Every playbook is chunked on every run (cheap), and the whole chunk set is summarised by one
digest (chunks and embedder). Only when that digest differs from the live generation's (a file
was added, changed or deleted, the chunker or the model changed) is a new generation written;
inside it, a chunk whose exact text was already embedded by the same model takes its stored
vector instead of being embedded again. ``rebuild`` re-embeds everything.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from core.errors import IndexNotReadyError, UnavailableError, UserError
from core.settings import Settings
from ingest.chunk import Chunk, content_hash
from ingest.embedder import Embedder, load_embedder
from ingest.kb_files import KbScan, scan_kb
from ingest.lock import ingest_lock
from ingest.store import ChunkStore, GenerationInfo, open_store
from ingest.store_writer import write_generation

log = logging.getLogger(__name__)

EMBED_BATCH = 32


class IngestReport(BaseModel):
    kb_dir: str
    documents_added: list[str] = Field(default_factory=list)
    documents_updated: list[str] = Field(default_factory=list)
    documents_removed: list[str] = Field(default_factory=list)
    documents_unchanged: int = 0
    documents_skipped: dict[str, str] = Field(default_factory=dict)  # file -> reason
    #: What ``agent-assist kb check`` reports, one line per problem ("file: LEVEL [code] …").
    playbook_problems: list[str] = Field(default_factory=list)
    chunks_written: int = 0  # records in the new generation (0 when nothing changed)
    chunks_embedded: int = 0  # of which embedded now; the rest reused stored vectors
    changed: bool = False  # a new generation went live
    active_collection: str
    previous_collection: str | None = None
    embedder: str
    seconds: float


def configured_embedder_name(settings: Settings) -> str:
    """The name ``load_embedder(settings)`` gives its embedder (``<backend>:<model>``)."""
    return f"{settings.embedding_backend}:{settings.embedding_model}"


def chunk_set_digest(chunks: Sequence[Chunk], embedder_name: str) -> str:
    """One hash over everything a generation holds: equal digests mean nothing to do."""
    h = hashlib.sha256(embedder_name.encode("utf-8"))
    for chunk in sorted(chunks, key=lambda c: (c.source, c.index)):
        h.update(b"\x00")
        h.update(chunk.model_dump_json().encode("utf-8"))
    return h.hexdigest()


def _chunk_all(scan: KbScan) -> list[Chunk]:
    from ingest.chunker import chunk_document

    chunks: list[Chunk] = []
    for doc in scan.documents:
        chunks.extend(chunk_document(doc.source, doc.text))
    seen: set[str] = set()
    for chunk in chunks:
        if chunk.id in seen:
            raise UserError(f"two chunks share the id {chunk.id}")
        seen.add(chunk.id)
    return chunks


def _playbook_problems(scan: KbScan) -> list[str]:
    """The kb check's findings, logged as warnings: ingest indexes the playbook anyway."""
    from ingest.playbook_check import check_playbook

    lines: list[str] = []
    for doc in scan.documents:
        for p in check_playbook(doc.source, doc.text).problems:
            line = f"{doc.source}: {p.level.upper()} [{p.code}] {p.section}: {p.message}"
            log.warning("playbook %s", line)
            lines.append(line)
    return lines


def _progress(total: int, desc: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr, disable=not enabled)


def _vectors_for(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    reusable: dict[str, NDArray[np.float32]],
    progress: bool,
) -> tuple[NDArray[np.float32], int]:
    """Vectors for all chunks: reused by text hash where possible, the rest embedded now."""
    out = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    missing: list[int] = []
    for i, chunk in enumerate(chunks):
        vec = reusable.get(content_hash(chunk.text))
        if vec is not None and vec.shape == (embedder.dim,):
            out[i] = vec
        else:
            missing.append(i)
    with _progress(len(missing), "embedding", progress) as bar:
        for start in range(0, len(missing), EMBED_BATCH):
            rows = missing[start : start + EMBED_BATCH]
            out[rows] = embedder.embed_passages([chunks[i].text for i in rows])
            bar.update(len(rows))
    return out, len(missing)


def _reusable_vectors(
    store: ChunkStore, old: GenerationInfo | None, embedder: Embedder, rebuild: bool
) -> dict[str, NDArray[np.float32]]:
    if rebuild or old is None or old.embedder != embedder.name:
        return {}
    try:
        return store.stored_vectors(old.name)
    except UnavailableError as exc:  # a damaged old index: embed everything instead
        log.warning("stored vectors unreadable, embedding all chunks: %s", exc)
        return {}


def _live_generation(store: ChunkStore) -> GenerationInfo | None:
    if not store.has_index():
        return None
    try:
        return store.info()
    except IndexNotReadyError:
        # The pointer names a collection that is gone (dropped by hand): start afresh.
        log.warning("live collection missing: rebuilding the index from the playbooks")
        return None


def _diff_report(
    kb: Path, scan: KbScan, old: GenerationInfo | None, embedder_name: str
) -> IngestReport:
    """Which files are new, changed, gone or the same, by content hash."""
    old_hashes = old.doc_hashes if old is not None else {}
    hashes = {d.source: d.sha256 for d in scan.documents}
    return IngestReport(
        kb_dir=str(kb),
        documents_added=sorted(s for s in hashes if s not in old_hashes),
        documents_updated=sorted(
            s for s, h in hashes.items() if s in old_hashes and old_hashes[s] != h
        ),
        documents_removed=sorted(s for s in old_hashes if s not in hashes),
        documents_unchanged=sum(1 for s, h in hashes.items() if old_hashes.get(s) == h),
        documents_skipped=dict(scan.skipped),
        active_collection=old.name if old is not None else "",
        embedder=embedder_name,
        seconds=0.0,
    )


def ingest_kb(
    settings: Settings,
    kb_dir: Path | None = None,
    rebuild: bool = False,
    progress: bool = False,
) -> IngestReport:
    """Index the playbooks under ``kb_dir`` (default ``settings.kb_dir``) into the store."""
    kb = (kb_dir or settings.kb_dir).expanduser()
    started = time.perf_counter()
    with ingest_lock(settings.data_dir.expanduser()):
        scan = scan_kb(kb)
        if not scan.documents and not scan.skipped:
            # Almost always a wrong --kb path: refusing keeps the index from being emptied.
            raise UserError(f"no playbooks (*.txt, *.md) under {kb}")
        for source, reason in scan.skipped.items():
            log.warning("skipped playbook %s: %s", source, reason)
        problems = _playbook_problems(scan)
        store = open_store(settings)
        old = _live_generation(store)
        chunks = _chunk_all(scan)
        report = _diff_report(kb, scan, old, configured_embedder_name(settings))
        report.playbook_problems = problems
        # Decided before loading the model: a no-op costs no model start-up.
        if (
            old is not None
            and not rebuild
            and old.embedder == report.embedder
            and old.digest == chunk_set_digest(chunks, report.embedder)
        ):
            log.info("ingest: nothing changed (%s)", old.name)
            report.seconds = time.perf_counter() - started
            return report
        embedder = load_embedder(settings)
        report.embedder = embedder.name
        digest = chunk_set_digest(chunks, embedder.name)
        if old is not None and not rebuild and old.digest == digest:
            report.seconds = time.perf_counter() - started
            return report
        reusable = _reusable_vectors(store, old, embedder, rebuild)
        vectors, embedded = _vectors_for(chunks, embedder, reusable, progress)
        with _progress(len(chunks), "writing", progress) as bar:
            name = write_generation(
                store,
                chunks,
                vectors,
                embedder_name=embedder.name,
                digest=digest,
                doc_hashes={d.source: d.sha256 for d in scan.documents},
                on_written=bar.update,
            )
        report.changed = True
        report.active_collection = name
        report.previous_collection = old.name if old is not None else None
        report.chunks_written = len(chunks)
        report.chunks_embedded = embedded
        report.seconds = time.perf_counter() - started
        log.info(
            "ingest: %s live, %d chunks (%d embedded) in %.2fs",
            name,
            len(chunks),
            embedded,
            report.seconds,
        )
        return report
