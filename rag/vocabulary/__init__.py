"""How agents phrase case facts in Korean, as data: the YAML files of ``phrases/``.

Each entry is one concept: the fact it states and the value (``kind: fact``), a signal that
only steers the reply (``signal``), words removed before reading (``mask``), or a family of
requests (``family``), or a playbook's question to the customer about the fact
(``question``: the customer can answer it, so the reply asks before refusing); a Korean
label; its phrasings (``patterns``: regular expressions in which a space means optional
whitespace; ``literals``: words taken as written, spaces
optional); ``examples`` that must match and ``not_examples`` that must not; ``negated``
phrasings (the mention is there, but negated, so it must not state the value) and which
negations apply (``negation``: ``none``, ``copula`` — "아니고", "말고" — or ``predicate`` —
any negated predicate: "없음", "안 났어요"). A fact entry's ``paraphrases`` are further ways
agents state its value that the patterns need not match: with the examples, they train the
learned fallback (``rag.fact_model``) that reads a fact the phrasings miss.

Order matters within a fact: the first entry that matches wins, so specific phrasings come
before general ones. Files are read in name order. Every file is validated at load; an error
names the file, the entry and the problem.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.errors import ConfigError
from policy_guard.facts import CaseFacts, Request, known_values

Kind = Literal["fact", "signal", "mask", "family", "question"]
Negation = Literal["none", "copula", "predicate"]


def phrase(pattern: str) -> re.Pattern[str]:
    """Compile a vocabulary pattern: a literal space means optional whitespace."""
    return re.compile(pattern.replace(" ", r"\s*"))


class Entry(BaseModel):
    """One concept of the vocabulary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z_]+(?:\.[a-z_]+)*$")
    fact: str
    value: Any = None
    kind: Kind
    label: str = Field(min_length=1)
    patterns: tuple[str, ...] = ()
    literals: tuple[str, ...] = ()
    examples: tuple[str, ...] = Field(min_length=1)
    not_examples: tuple[str, ...] = ()
    negated: tuple[str, ...] = ()
    negation: Negation = "none"
    #: Phrasings of the value the patterns need not match (training data of rag.fact_model).
    paraphrases: tuple[str, ...] = ()
    implies_request: Request | None = None
    #: A signal that also holds when the question states a ride at least this old
    #: ("1년 넘은 기록": past what the app shows, so an issued document is wanted).
    min_days: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Entry:
        if not self.patterns and not self.literals:
            raise ValueError("needs at least one of patterns, literals")
        for pattern in self.patterns:
            try:
                phrase(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} does not compile: {exc}") from None
        if self.kind == "question" and self.fact not in CaseFacts.model_fields:
            raise ValueError(f"fact {self.fact!r} is not a CaseFacts field")
        if self.kind == "fact":
            if self.fact not in CaseFacts.model_fields:
                raise ValueError(f"fact {self.fact!r} is not a CaseFacts field")
            try:
                CaseFacts.model_validate({self.fact: self.value})
            except ValidationError as exc:
                problem = exc.errors()[0]["msg"]
                raise ValueError(f"value {self.value!r} is not a {self.fact}: {problem}") from None
        if self.kind == "family" and (
            not isinstance(self.value, list) or not set(self.value) <= known_values("request")
        ):
            raise ValueError(f"a family's value must be a list of requests, not {self.value!r}")
        if self.paraphrases and self.kind != "fact":
            raise ValueError("only a fact entry has paraphrases")
        if len(set(self.paraphrases)) != len(self.paraphrases) or any(
            not p.strip() for p in self.paraphrases
        ):
            raise ValueError("paraphrases must be distinct, non-empty phrasings")
        if self.negated and self.negation == "none":
            raise ValueError("negated examples need negation: copula or predicate")
        return self

    @functools.cached_property
    def compiled(self) -> re.Pattern[str]:
        """All phrasings as one pattern (alternation, in the order written)."""
        parts = [f"(?:{p})" for p in self.patterns]
        parts += [re.escape(word).replace(r"\ ", " ") for word in self.literals]
        return phrase("|".join(parts))


class VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: tuple[Entry, ...] = Field(min_length=1)


class Vocabulary:
    """Every entry, in file order then entry order, with look-ups by fact and id."""

    def __init__(self, entries: tuple[Entry, ...]) -> None:
        self.entries = entries
        self._by_id = {e.id: e for e in entries}

    def get(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    def of(self, fact: str, kind: Kind | None = None) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.fact == fact and kind in (None, e.kind))


def _entry_name(raw: Any, index: int) -> str:
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return repr(raw["id"])
    return f"#{index + 1}"


def _problem(err: Any) -> str:
    message = str(err["msg"]).removeprefix("Value error, ")
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {message}" if where else message


def parse_file(name: str, text: str) -> tuple[Entry, ...]:
    """Validate one vocabulary file; errors name the file, the entry and the problem."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), list):
        raise ConfigError(f"{name}: expected a mapping with a list of 'entries'")
    entries: list[Entry] = []
    for index, item in enumerate(raw["entries"]):
        try:
            entries.append(Entry.model_validate(item))
        except ValidationError as exc:
            problems = "; ".join(_problem(err) for err in exc.errors())
            raise ConfigError(f"{name}: entry {_entry_name(item, index)}: {problems}") from None
    try:
        VocabularyFile(entries=tuple(entries))
    except ValidationError as exc:
        raise ConfigError(f"{name}: {exc.errors()[0]['msg']}") from None
    return tuple(entries)


def build(files: dict[str, str]) -> Vocabulary:
    """A vocabulary from (file name → YAML text); entry ids must be unique across files."""
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    for name in sorted(files):
        for entry in parse_file(name, files[name]):
            if entry.id in seen:
                raise ConfigError(
                    f"{name}: entry {entry.id!r}: id already used in {seen[entry.id]}"
                )
            seen[entry.id] = name
            entries.append(entry)
    return Vocabulary(tuple(entries))


@functools.cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (the YAML files of ``phrases/``), validated once per process."""
    folder = resources.files("rag.vocabulary").joinpath("phrases")
    files = {
        item.name: item.read_text(encoding="utf-8")
        for item in folder.iterdir()
        if item.name.endswith(".yaml")
    }
    return build(files)
