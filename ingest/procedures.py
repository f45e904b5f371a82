"""Procedures (응대순서) read from a playbook's own structure: numbered steps (①, ②, …) under one
heading of a section that names a 응대순서.

Each step keeps its label ("④ 발급 필요 정보 확인"), the chunks it spans, the facts it
establishes (read from its heading and checklist labels with ``procedure_vocabulary.yaml``) and,
for a hand-off step ("⑥ 아지트 작성"), the kind of hand-off and its title. What a step needs is
what the steps before it establish. Procedures are derived from the stored chunks, so every
generation of the store carries its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from importlib import resources

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from core.errors import ConfigError
from ingest.chunk import Chunk

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"
_STEP_HEAD = re.compile(r"^\s*([" + _CIRCLED + r"])\s*(.*)$")
_CHECKLIST = re.compile(r"^\s*[-•·]\s*([^:：\n]{2,40})\s*[:：]", re.MULTILINE)
#: A hand-off step's title: the text of its last "▶" link, less a team prefix ("KOC_").
_LINK_TITLE = re.compile(r"▶\s*(?:[A-Za-z]+_)?([^\n▶|]+)")
#: Facts whose reading in a consent chunk depends on the chunk's own conditions.
CONDITION_FLAGS = ("alt_recipient", "withdrawn")


class _Phrases(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phrases: list[str] = Field(min_length=1)

    @field_validator("phrases")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for p in value:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"phrase {p!r} is not a valid pattern: {exc}") from None
        return value


class FactPhrases(_Phrases):
    fact: str = Field(min_length=1)


class HandoffPhrases(_Phrases):
    kind: str = Field(min_length=1)
    names: list[str] = Field(default_factory=list)  # how an agent names it in a question

    @field_validator("names")
    @classmethod
    def _names_compile(cls, value: list[str]) -> list[str]:
        return _Phrases._compiles(value)


class FactNames(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fact: str = Field(min_length=1)
    names: list[str] = Field(min_length=1)


class NoteExamples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    done: list[str] = Field(min_length=1)
    not_done: list[str] = Field(default_factory=list)


class NoteVocabulary(BaseModel):
    """How a single question says where the procedure stands (``rag/procedure_notes.py``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plain_words: list[str] = Field(default_factory=list)
    word_ending: str = ""
    through: str
    mark_after: str
    names: list[FactNames] = Field(default_factory=list)
    completion: list[str] = Field(min_length=1)
    not_done: list[str] = Field(default_factory=list)
    sentence_break: str
    clause_break: str
    predicate_end: str
    examples: NoteExamples
    handoff_question: list[str] = Field(default_factory=list)
    handoff_examples: list[str] = Field(default_factory=list)
    guidance: str = Field(min_length=1)
    guidance_pending: str = Field(min_length=1)

    @model_validator(mode="after")
    def _valid(self) -> NoteVocabulary:
        for p in [
            *self.completion,
            *self.not_done,
            *self.handoff_question,
            self.sentence_break,
            self.word_ending,
            self.through,
            self.mark_after,
            self.clause_break,
            self.predicate_end,
            *(n for f in self.names for n in f.names),
        ]:
            try:
                re.compile(p)
            except re.error as exc:
                raise ValueError(f"phrase {p!r} is not a valid pattern: {exc}") from None
        for text in self.examples.done:
            if not _any(self.completion, text) or _any(self.not_done, text):
                raise ValueError(f"done example {text!r} is not read as done")
        for text in self.examples.not_done:
            if not _any(self.not_done, text):
                raise ValueError(f"not-done example {text!r} is read as done")
        for text in self.handoff_examples:
            if not _any(self.handoff_question, text):
                raise ValueError(f"hand-off example {text!r} is not read as a hand-off question")
        return self


def _any(patterns: Iterable[str], text: str) -> bool:
    return any(re.search(p, text) for p in patterns)


class ProcedureVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    marker: str
    establishes: list[FactPhrases]
    handoffs: list[HandoffPhrases]
    notes: NoteVocabulary | None = None


@functools.cache
def load_vocabulary() -> ProcedureVocabulary:
    raw = resources.files("ingest").joinpath("procedure_vocabulary.yaml").read_text("utf-8")
    try:
        return ProcedureVocabulary.model_validate(yaml.safe_load(raw))
    except ValidationError as exc:
        raise ConfigError(f"procedure_vocabulary.yaml: {exc}") from None


class Step(BaseModel):
    """One numbered step of a procedure."""

    model_config = ConfigDict(frozen=True)

    number: int  # 1 for ①
    label: str  # "④ 발급 필요 정보 확인"
    chunk_ids: tuple[str, ...]  # the step's chunks, in document order
    establishes: tuple[str, ...] = ()  # facts the step settles, unconditionally
    #: fact -> flags of which one being true makes the fact needed ("collection_consent" is
    #: needed when "alt_recipient" or "withdrawn" is true).
    establishes_when: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    needs: tuple[str, ...] = ()  # what the steps before it establish
    handoff: str | None = None  # "agit_ticket", "ob_transfer", … for a hand-off step
    handoff_title: str | None = None


class Procedure(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    section: str  # heading path of the steps' common parent
    requests: tuple[str, ...]
    steps: tuple[Step, ...]
    #: Chunks outside the steps that serve a conditional step fact (the [탈퇴고객] consent).
    extra_chunk_ids: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    def step(self, label: str) -> Step | None:
        return next((s for s in self.steps if s.label == label), None)


def _step_position(parts: Sequence[str]) -> int | None:
    """Index of the deepest heading part that is a numbered step."""
    for i in range(len(parts) - 1, -1, -1):
        if _STEP_HEAD.match(parts[i]):
            return i
    return None


def _facts_in(texts: Iterable[str], vocab: ProcedureVocabulary) -> list[str]:
    found: list[str] = []
    for text in texts:
        for entry in vocab.establishes:
            if entry.fact not in found and any(re.search(p, text) for p in entry.phrases):
                found.append(entry.fact)
    return found


def facts_named(label: str) -> list[str]:
    """The facts a step heading or checklist label names ("호출 앱" → app)."""
    return _facts_in([label], load_vocabulary())


def _handoff(texts: Iterable[str], vocab: ProcedureVocabulary) -> str | None:
    joined = "\n".join(texts)
    for entry in vocab.handoffs:
        if any(re.search(p, joined) for p in entry.phrases):
            return entry.kind
    return None


def _labels(chunk: Chunk, parts: Sequence[str], at: int) -> list[str]:
    """The step heading, the sub-headings under it and the chunk's checklist labels."""
    return [*parts[at:], *_CHECKLIST.findall(chunk.text)]


def _build_step(number: int, chunks: list[Chunk], at: int, vocab: ProcedureVocabulary) -> Step:
    parts0 = chunks[0].section.split(" > ")
    label = re.sub(r"\s+", " ", parts0[at]).strip()
    head = _STEP_HEAD.match(label)
    label = f"{head.group(1)} {head.group(2).strip()}" if head else label
    plain: list[str] = []
    when: dict[str, set[str]] = {}
    for chunk in chunks:
        parts = chunk.section.split(" > ")
        flags = [f for f in CONDITION_FLAGS if getattr(chunk.conditions, f) is True]
        for fact in _facts_in(_labels(chunk, parts, at), vocab):
            if flags and fact not in _facts_in([parts[at]], vocab):
                when.setdefault(fact, set()).update(flags)
            elif fact not in plain:
                plain.append(fact)
    kind = _handoff([label], vocab)
    title = None
    if kind is not None:
        titles = [m.strip() for c in chunks for m in _LINK_TITLE.findall(c.text)]
        title = titles[-1] if titles else head.group(2).strip() if head else label
    return Step(
        number=number,
        label=label,
        chunk_ids=tuple(c.id for c in chunks),
        establishes=tuple(plain),
        establishes_when={f: tuple(sorted(v)) for f, v in when.items()},
        handoff=kind,
        handoff_title=title,
    )


def step_labels(chunks: Iterable[Chunk]) -> dict[str, str]:
    """Chunk id -> the numbered step heading it sits under ("② 앱 이용기록 확인 안내"), for
    every script chunk of a section that names a 응대순서 (a lone numbered step included)."""
    items = list(chunks)
    marker = re.compile(load_vocabulary().marker)
    marked = {(c.source, c.section.split(" > ")[0]) for c in items if marker.search(c.text)}
    out: dict[str, str] = {}
    for chunk in items:
        parts = chunk.section.split(" > ")
        at = _step_position(parts)
        if chunk.kind != "script" or at is None or (chunk.source, parts[0]) not in marked:
            continue
        head = _STEP_HEAD.match(re.sub(r"\s+", " ", parts[at]).strip())
        if head is not None:
            out[chunk.id] = f"{head.group(1)} {head.group(2).strip()}"
    return out


def read_procedures(chunks: Iterable[Chunk]) -> list[Procedure]:
    """Every procedure of the given chunks (any number of playbooks)."""
    vocab = load_vocabulary()
    marker = re.compile(vocab.marker)
    by_source: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_source.setdefault(chunk.source, []).append(chunk)
    out: list[Procedure] = []
    for source, items in sorted(by_source.items()):
        items.sort(key=lambda c: c.index)
        marked = {c.section.split(" > ")[0] for c in items if marker.search(c.text)}
        groups: dict[tuple[str, ...], dict[int, list[Chunk]]] = {}
        positions: dict[tuple[str, ...], int] = {}
        for chunk in items:
            parts = chunk.section.split(" > ")
            at = _step_position(parts)
            if at is None or parts[0] not in marked:
                continue
            head = _STEP_HEAD.match(parts[at])
            assert head is not None
            parent = tuple(parts[:at])
            groups.setdefault(parent, {}).setdefault(_CIRCLED.index(head.group(1)) + 1, [])
            groups[parent][_CIRCLED.index(head.group(1)) + 1].append(chunk)
            positions[parent] = at
        for parent, numbered in groups.items():
            if len(numbered) < 2:
                continue  # one numbered paragraph is no sequence
            out.append(_procedure(source, parent, numbered, positions[parent], items, vocab))
    return out


def _procedure(
    source: str,
    parent: tuple[str, ...],
    numbered: dict[int, list[Chunk]],
    at: int,
    items: list[Chunk],
    vocab: ProcedureVocabulary,
) -> Procedure:
    steps: list[Step] = []
    before: list[str] = []
    for number in sorted(numbered):
        step = _build_step(number, numbered[number], at, vocab)
        steps.append(step.model_copy(update={"needs": tuple(before)}))
        before += [f for f in (*step.establishes, *step.establishes_when) if f not in before]
    inside = {cid for s in steps for cid in s.chunk_ids}
    # A conditional fact (the consent of a withdrawn customer) may be served by a section of
    # the same question outside the steps: the chunks stating a flag and that fact.
    extra: dict[str, tuple[str, ...]] = {}
    for i, step in enumerate(steps):
        when = {f: set(flags) for f, flags in step.establishes_when.items()}
        for fact in when:
            outside = [
                c
                for c in items
                if c.id not in inside
                and c.section.split(" > ")[0] == parent[0]
                and getattr(c.conditions, fact, None) is not None
                and any(getattr(c.conditions, f) is True for f in CONDITION_FLAGS)
            ]
            for c in outside:
                when[fact].update(f for f in CONDITION_FLAGS if getattr(c.conditions, f) is True)
            if outside:
                extra[fact] = tuple(c.id for c in outside)
        steps[i] = step.model_copy(
            update={"establishes_when": {f: tuple(sorted(v)) for f, v in when.items()}}
        )
    scoped = [c for n in numbered.values() for c in n]
    requests = tuple(sorted({r for c in scoped for r in c.conditions.requests}))
    return Procedure(
        source=source,
        section=" > ".join(parent),
        requests=requests,
        steps=tuple(steps),
        extra_chunk_ids=extra,
    )
