"""What each playbook covers, read from its chunks: its situations, the services it names and
the requests its situations are written for.

Selection needs every situation of the chosen playbook, not only the retrieved ones (the right
situation may rank below its near-twin), and grounding needs to know whether any playbook
covers the question's service or request at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ingest.chunk import Chunk
from ingest.procedures import Procedure, read_procedures
from rag.facts import fold_width_case_spaces
from rag.facts_table import SERVICE_PHRASES, phrase
from rag.tokenizer import tokenize_many

_SERVICES = tuple((name, phrase(p)) for name, p in SERVICE_PHRASES)
#: A service counts as a playbook's when it is named at least this share of the most-named one.
SERVICE_SHARE = 0.34


@dataclass(frozen=True)
class Playbook:
    source: str
    chunks: tuple[Chunk, ...]  # every chunk, in document order
    services: frozenset[str]
    requests: frozenset[str]
    #: Each situation's heading terms that most other situations do not share.
    heading_terms: Mapping[str, frozenset[str]]
    procedures: tuple[Procedure, ...] = ()  # its 응대순서, read from the chunks

    @property
    def situations(self) -> tuple[Chunk, ...]:
        return tuple(c for c in self.chunks if c.kind == "script")


def _services(texts: Iterable[str]) -> frozenset[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        norm = fold_width_case_spaces(text)
        for name, pattern in _SERVICES:
            counts[name] += len(pattern.findall(norm))
    if not counts or max(counts.values()) == 0:
        return frozenset()
    top = max(counts.values())
    return frozenset(n for n, c in counts.items() if c > 0 and c >= SERVICE_SHARE * top)


def _heading_terms(situations: list[Chunk]) -> dict[str, frozenset[str]]:
    """Terms of each situation's heading path, minus those every situation of the playbook
    shares (its title, "Q1. …"): they tell no situation apart."""
    paths = [tuple(c.section.split(" > ")) for c in situations]
    nodes = sorted({node for path in paths for node in path})
    if not nodes:
        return {}
    node_terms = dict(zip(nodes, (frozenset(ts) for ts in tokenize_many(nodes)), strict=True))
    terms = [frozenset(t for node in path for t in node_terms[node]) for path in paths]
    df: Counter[str] = Counter(t for ts in terms for t in ts)
    everywhere = {t for t, n in df.items() if n == len(situations) > 1}
    return {c.id: ts - everywhere for c, ts in zip(situations, terms, strict=True)}


@dataclass(frozen=True)
class Catalog:
    generation: str
    playbooks: Mapping[str, Playbook]

    @classmethod
    def build(cls, generation: str, chunks: Iterable[Chunk]) -> Catalog:
        by_source: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            by_source.setdefault(chunk.source, []).append(chunk)
        books: dict[str, Playbook] = {}
        for source, items in by_source.items():
            items.sort(key=lambda c: c.index)
            books[source] = Playbook(
                source=source,
                chunks=tuple(items),
                services=_services(c.text for c in items),
                requests=frozenset(r for c in items for r in c.conditions.requests),
                heading_terms=_heading_terms([c for c in items if c.kind == "script"]),
                procedures=tuple(read_procedures(items)),
            )
        return cls(generation, books)

    def covers_service(self, service: str) -> bool:
        return any(service in book.services for book in self.playbooks.values())
