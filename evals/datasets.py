"""Labelled evaluation cases and their loaders (JSONL or YAML).

Three kinds share one file format; a record's kind follows from its fields: ``draft`` makes a
guard case, ``include_any`` / ``exclude`` / ``grounded`` a suggestion case, and a bare
``question`` (with ``source``) a retrieval case. Every loading error names the file and line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from core.errors import UserError
from evals.chats import ChatCase
from evals.sections import normalise_path, section_matches
from policy_guard.facts import CaseFacts
from policy_guard.rule_table import load_rules
from policy_guard.verdict import RuleId

CaseKind = Literal["suggest", "guard", "retrieval", "chat"]
#: Tag prefix that carries a suggestion case's paraphrase group into the results.
GROUP_TAG = "group:"
#: The project's own labelled sets.
DEFAULT_DIR = Path(__file__).resolve().parent / "datasets"


class DatasetError(UserError):
    """A dataset file cannot be read or a record in it is invalid."""


class _Case(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    origin: str = ""  # "file:line", filled by the loader


class SuggestCase(_Case):
    """A question with case facts and what a correct reply must (not) contain."""

    question: str = Field(min_length=1)
    case: CaseFacts = Field(default_factory=CaseFacts)
    source: str | None = None  # the playbook file the reply must cite first
    #: Expected section path: a substring after normalisation; "A|B" means either; a trailing
    #: "$" anchors at the end of a heading (see ``evals.sections``).
    section: str | None = None
    include_any: list[list[str]] = Field(default_factory=list)  # every group: one phrase
    exclude: list[str] = Field(default_factory=list)  # regexes that must not match
    grounded: bool | None = Field(
        default=None, validation_alias=AliasChoices("grounded", "expect_grounded")
    )
    #: Who the reply must be for: "customer" (a message to send) or "agent" (guidance such as
    #: the 상담유형 to set); None: not checked.
    audience: Literal["customer", "agent"] | None = None
    #: Phrasings of one situation share a group: the group passes only if every one passes.
    group: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _group_tag(self) -> SuggestCase:
        tag = f"{GROUP_TAG}{self.group}"
        if self.group is not None and tag not in self.tags:
            self.tags.append(tag)
        return self

    @field_validator("exclude")
    @classmethod
    def _regexes_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"exclude pattern {pattern!r} is not a regex: {exc}") from exc
        return patterns

    @field_validator("include_any")
    @classmethod
    def _groups_not_empty(cls, groups: list[list[str]]) -> list[list[str]]:
        if any(not group for group in groups):
            raise ValueError("include_any holds an empty group (it could never match)")
        return groups


def _known_rule(rule_id: str) -> str:
    """A rule id is one the rule data defines."""
    if rule_id not in load_rules().ids:
        raise ValueError(f"unknown rule id {rule_id!r}: not in policy_guard/rules.yaml")
    return rule_id


class GuardCase(_Case):
    """A draft with case facts, and the guard's expected verdict."""

    draft: str = Field(min_length=1)
    case: CaseFacts = Field(default_factory=CaseFacts)
    allowed: bool
    rules: list[Annotated[RuleId, AfterValidator(_known_rule)]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> GuardCase:
        if self.allowed == bool(self.rules):
            raise ValueError("'allowed' must be true exactly when 'rules' is empty")
        return self


class RetrievalCase(BaseModel):
    """A question and where its answer lives. Extra fields are ignored: retrieval sets may
    carry annotations of their own.

    In a retrieval file ``section`` is a full heading path and ``also`` lists other paths that
    answer equally well (exact match after normalisation). Cases derived from suggestion cases
    carry a section *label* instead (substring rules of ``evals.sections``).
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    source: str = Field(min_length=1)
    section: str | None = None
    also: list[str] = Field(default_factory=list)
    exact: bool = True
    tags: list[str] = Field(default_factory=list)
    origin: str = ""

    def section_hit(self, source: str, section: str) -> bool:
        if self.section is None or source != self.source:
            return False
        if not self.exact:
            return section_matches(self.section, section)
        path = normalise_path(section)
        return any(normalise_path(want) == path for want in (self.section, *self.also))


class Dataset(BaseModel):
    """Every case read from one or more files, by kind."""

    suggest: list[SuggestCase] = Field(default_factory=list)
    guard: list[GuardCase] = Field(default_factory=list)
    retrieval: list[RetrievalCase] = Field(default_factory=list)
    chats: list[ChatCase] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)

    def retrieval_cases(self) -> list[RetrievalCase]:
        """Retrieval cases plus every suggestion case that names its source."""
        derived = [
            RetrievalCase(
                id=c.id,
                question=c.question,
                source=c.source,
                section=c.section,
                exact=False,
                tags=c.tags,
                origin=c.origin,
            )
            for c in self.suggest
            if c.source
        ]
        return [*self.retrieval, *derived]

    def extend(self, other: Dataset) -> None:
        self.suggest.extend(other.suggest)
        self.guard.extend(other.guard)
        self.retrieval.extend(other.retrieval)
        self.chats.extend(other.chats)
        self.files.extend(other.files)


def record_kind(record: dict[str, Any]) -> CaseKind:
    if "kind" in record and record["kind"] in ("suggest", "guard", "retrieval", "chat"):
        return record["kind"]  # type: ignore[no-any-return]
    if "conversation" in record:
        return "chat"
    if "draft" in record:
        return "guard"
    if any(key in record for key in ("include_any", "exclude", "grounded", "case")):
        return "suggest"
    return "retrieval"


def parse_record(record: Any, origin: str) -> SuggestCase | GuardCase | RetrievalCase | ChatCase:
    if not isinstance(record, dict):
        raise DatasetError(f"{origin}: expected a JSON object, got {type(record).__name__}")
    kind = record_kind(record)
    data = {k: v for k, v in record.items() if k != "kind"}
    data["origin"] = origin
    try:
        if kind == "guard":
            return GuardCase.model_validate(data)
        if kind == "suggest":
            return SuggestCase.model_validate(data)
        if kind == "chat":
            return ChatCase.model_validate(data)
        return RetrievalCase.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(record)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise DatasetError(f"{origin}: invalid {kind} case: {problems}") from exc


def _jsonl_records(path: Path) -> Iterable[tuple[Any, str]]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            origin = f"{path}:{number}"
            try:
                yield json.loads(line), origin
            except json.JSONDecodeError as exc:
                raise DatasetError(f"{origin}: not valid JSON: {exc.msg}") from exc


def _yaml_records(path: Path) -> Iterable[tuple[Any, str]]:
    """A YAML list of records, or a mapping of kind -> list (kind then set on each record)."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise DatasetError(f"{where}: not valid YAML: {exc}") from exc
    if doc is None:
        return
    if isinstance(doc, dict):
        for kind, items in doc.items():
            if kind not in ("suggest", "guard", "retrieval") or not isinstance(items, list):
                raise DatasetError(f"{path}: top-level keys must be suggest/guard/retrieval lists")
            for i, item in enumerate(items, start=1):
                if isinstance(item, dict):
                    item = {**item, "kind": kind}
                yield item, f"{path}:{kind}[{i}]"
    elif isinstance(doc, list):
        for i, item in enumerate(doc, start=1):
            yield item, f"{path}:[{i}]"
    else:
        raise DatasetError(f"{path}: expected a list of cases or a mapping of kind -> cases")


def load_dataset(path: Path) -> Dataset:
    """Read one JSONL / YAML file. Duplicate ids within a kind are refused."""
    if not path.is_file():
        raise DatasetError(f"dataset file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        records = _yaml_records(path)
    elif suffix in (".jsonl", ".json", ".ndjson"):
        records = _jsonl_records(path)
    else:
        raise DatasetError(f"{path}: unknown dataset format (use .jsonl, .yaml or .yml)")
    out = Dataset(files=[str(path)])
    seen: set[tuple[str, str]] = set()
    for record, origin in records:
        case = parse_record(record, origin)
        kind = (
            "guard"
            if isinstance(case, GuardCase)
            else "suggest"
            if isinstance(case, SuggestCase)
            else "chat"
            if isinstance(case, ChatCase)
            else "retrieval"
        )
        if (kind, case.id) in seen:
            raise DatasetError(f"{origin}: duplicate {kind} case id {case.id!r}")
        seen.add((kind, case.id))
        if isinstance(case, GuardCase):
            out.guard.append(case)
        elif isinstance(case, SuggestCase):
            out.suggest.append(case)
        elif isinstance(case, ChatCase):
            out.chats.append(case)
        else:
            out.retrieval.append(case)
    return out


def load_datasets(paths: Iterable[Path]) -> Dataset:
    merged = Dataset()
    for path in paths:
        merged.extend(load_dataset(path))
    return merged


def default_dataset_paths() -> list[Path]:
    """The project's labelled sets (every JSONL / YAML file in evals/datasets/)."""
    return sorted(
        p for p in DEFAULT_DIR.iterdir() if p.suffix.lower() in (".jsonl", ".yaml", ".yml")
    )
