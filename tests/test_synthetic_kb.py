"""The synthetic knowledge base used by the scale benchmark: playbook structure, as the real
chunker reads it, deterministic, and as large as asked."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synthetic_kb import generate_kb
from ingest.chunker import chunk_document


def test_generates_at_least_the_requested_chunks_deterministically(tmp_path: Path) -> None:
    a = generate_kb(tmp_path / "a", 150, seed=3)
    b = generate_kb(tmp_path / "b", 150, seed=3)
    c = generate_kb(tmp_path / "c", 150, seed=4)
    assert sum(d.chunks for d in a) >= 150
    assert [(d.name, d.text) for d in a] == [(d.name, d.text) for d in b]
    assert [d.text for d in a] != [d.text for d in c]
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(d.name for d in a)


def test_documents_have_the_playbook_structure(tmp_path: Path) -> None:
    docs = generate_kb(tmp_path, 300, seed=11)
    services: set[str] = set()
    for doc in docs:
        chunks = chunk_document(doc.name, doc.text)
        assert len(chunks) == doc.chunks
        kinds = {c.kind for c in chunks}
        assert {"title", "policy", "script"} <= kinds
        # Numbered situations with day ranges become chunk conditions, as in the real books.
        assert any(c.conditions.days_max is not None for c in chunks)
        assert any(c.conditions.days_min is not None for c in chunks)
        assert any("[case" in c.section for c in chunks)
        assert any(c.section.endswith("> 채팅") for c in chunks)  # table rows per channel
        services.add(doc.text.split("\n", 1)[0].split()[1])
    assert len(services) >= 5  # not one service repeated
