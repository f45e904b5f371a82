"""The vocabulary of mobility customer service (``vocabulary.yaml``): the requests, reasons,
services, topics and personal-data items that playbook headings name, each with its phrases.

Sets are open: a new request or service is a new entry in the data, and a heading term that no
entry knows is reported (``unknown_terms``), never read as a default meaning.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from core.errors import ConfigError
from policy_guard.facts import CaseFacts, known_values

VOCABULARY_FILE = "vocabulary.yaml"
_ID = r"^[a-z][a-z0-9_]*$"


_Model = TypeVar("_Model", bound=BaseModel)


def compiled_patterns(patterns: list[str]) -> list[str]:
    """A validator: every pattern compiles (the error names the pattern)."""
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad pattern {pattern!r}: {exc}") from exc
    return patterns


class Term(BaseModel):
    """One concept and the phrases that name it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    phrases: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)

    _check_phrases = field_validator("phrases", "unless")(compiled_patterns)

    def named_in(self, text: str) -> bool:
        return any(re.search(p, text) for p in self.phrases) and not any(
            re.search(p, text) for p in self.unless
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        if any(re.search(p, text) for p in self.unless):
            return []
        return [m.span() for p in self.phrases for m in re.finditer(p, text)]


class RequestTerm(Term):
    #: Whose data the request is for: a driver's item is a disclosure the guard governs.
    party: Literal["driver", "customer", "none"]
    #: A request that stands for several others ("기사 개인정보" = every driver item).
    means: list[str] = Field(default_factory=list)


class ServiceTerm(Term):
    family: str | None = Field(default=None, pattern=_ID)


class TopicTerm(Term):
    group: str = Field(pattern=_ID)
    #: Phrasings of a question that must name the topic (checked at load).
    examples: list[str] = Field(default_factory=list)
    #: A question that states a ride at least this many days old names the topic too
    #: ("재작년 건" for a "1년 경과" situation).
    min_days: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _examples_named(self) -> TopicTerm:
        missed = [e for e in self.examples if not self.named_in(e)]
        if missed:
            raise ValueError(f"examples not named by the phrases: {missed}")
        return self


class Slot(BaseModel):
    """A placeholder form of a script; ``rule``: the guard rule deciding the value it stands for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    pattern: str
    rule: str | None = None

    @field_validator("pattern")
    @classmethod
    def _check_pattern(cls, value: str) -> str:
        return compiled_patterns([value])[0]


def _all_match(patterns: list[str], texts: list[str], *, want: bool, what: str) -> None:
    for text in texts:
        if any(re.search(p, text) for p in patterns) != want:
            raise ValueError(f"{what} {text!r} {'does not match' if want else 'matches'}")


class BranchExample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line: str
    when: str
    value: str


class CounselFact(BaseModel):
    """A case fact that decides between a counsel type's options."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fact: str
    decides: list[str] = Field(min_length=1)  # "요청사유에 따라": the playbook chooses by it
    unknown: list[str] = Field(min_length=1)  # "사유 파악불가 시": the option when it is unknown
    decides_examples: list[str] = Field(min_length=1)
    unknown_examples: list[str] = Field(min_length=1)

    _check = field_validator("decides", "unknown")(compiled_patterns)

    @model_validator(mode="after")
    def _consistent(self) -> CounselFact:
        if self.fact not in CaseFacts.model_fields:
            raise ValueError(f"fact {self.fact!r} is not a case fact")
        _all_match(self.decides, self.decides_examples, want=True, what="decides example")
        _all_match(self.unknown, self.unknown_examples, want=True, what="unknown example")
        return self


class CounselTypeWords(BaseModel):
    """How a playbook states a Q's 상담유형: the block's labels, its branch lines and the facts
    that decide between the options (``ingest.counsel``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    labels: list[str] = Field(min_length=1)
    label_examples: list[str] = Field(min_length=1)
    label_not_examples: list[str] = Field(default_factory=list)
    branch: str
    branch_examples: list[BranchExample] = Field(min_length=1)
    branch_not_examples: list[str] = Field(default_factory=list)
    facts: list[CounselFact] = Field(default_factory=list)

    _check = field_validator("labels")(compiled_patterns)

    @field_validator("branch")
    @classmethod
    def _check_branch(cls, value: str) -> str:
        groups = re.compile(compiled_patterns([value])[0]).groupindex
        if not {"when", "value"} <= set(groups):
            raise ValueError("branch needs the named groups 'when' and 'value'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CounselTypeWords:
        _all_match(self.labels, self.label_examples, want=True, what="label example")
        _all_match(self.labels, self.label_not_examples, want=False, what="label not_example")
        for ex in self.branch_examples:
            m = re.match(self.branch, ex.line)
            if m is None or (m["when"].strip(), m["value"].strip()) != (ex.when, ex.value):
                raise ValueError(
                    f"branch example {ex.line!r} is not read as {ex.when!r}/{ex.value!r}"
                )
        _all_match([self.branch], self.branch_not_examples, want=False, what="branch not_example")
        return self

    def names_block(self, heading: str) -> bool:
        return any(re.search(p, heading) for p in self.labels)


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    requests: list[RequestTerm]
    reasons: list[Term]
    services: list[ServiceTerm]
    topics: list[TopicTerm] = Field(default_factory=list)
    personal_data: list[Term] = Field(default_factory=list)
    slots: list[Slot] = Field(default_factory=list)
    ordinary_words: list[str] = Field(default_factory=list)
    counsel_type: CounselTypeWords | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Vocabulary:
        for name in ("requests", "reasons", "services", "topics", "personal_data", "slots"):
            ids = [t.id for t in getattr(self, name)]
            twice = sorted({i for i in ids if ids.count(i) > 1})
            if twice:
                raise ValueError(f"{name}: id listed twice: {', '.join(twice)}")
        request_ids = {r.id for r in self.requests}
        for r in self.requests:
            missing = [m for m in r.means if m not in request_ids or m == r.id]
            if missing:
                raise ValueError(f"requests[{r.id}].means: unknown request {missing}")
        # The case facts may name only what the rule data knows (policy_guard/rules.yaml facts).
        for name, fact in (("requests", "request"), ("reasons", "reason")):
            known = known_values(fact)
            for i, term in enumerate(getattr(self, name)):
                is_value = not getattr(term, "means", [])
                if is_value and term.id not in known:
                    raise ValueError(
                        f"{name}[{i}] ({term.id}): not a {fact} value of policy_guard/rules.yaml "
                        f"facts.{fact}: add it there too"
                    )
        service_ids = {s.id for s in self.services}
        for s in self.services:
            if s.family is not None and s.family not in service_ids:
                raise ValueError(f"services[{s.id}].family: unknown service {s.family!r}")
        return self

    @property
    def request_ids(self) -> list[str]:
        return [r.id for r in self.requests if not r.means]

    @property
    def reason_ids(self) -> list[str]:
        return [r.id for r in self.reasons]

    @property
    def service_ids(self) -> list[str]:
        return [s.id for s in self.services]

    def request(self, request_id: str) -> RequestTerm:
        for r in self.requests:
            if r.id == request_id:
                return r
        raise KeyError(request_id)

    def topic_group(self, topic_id: str) -> str:
        for t in self.topics:
            if t.id == topic_id:
                return t.group
        raise KeyError(topic_id)


def parse_vocabulary(raw: str, source: str) -> Vocabulary:
    """Validate one vocabulary file; a problem raises ``ConfigError`` naming file and entry."""
    return validated_yaml(Vocabulary, raw, source)


def validated_yaml(model: type[_Model], raw: str, source: str) -> _Model:
    """``model`` from the YAML text of a data file; a problem raises ``ConfigError`` naming the
    file and the entry ("requests[3] (fare_refund).phrases")."""
    try:
        data = yaml.safe_load(raw)
        return model.model_validate(data)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{_where(data, err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise ConfigError(f"{source}: {problems}") from exc


def _where(data: object, loc: tuple[int | str, ...]) -> str:
    """ "requests[3] (fare_refund).phrases" rather than "requests.3.phrases"."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            entry = node[key] if isinstance(node, list) and key < len(node) else None
            name = entry.get("id") if isinstance(entry, dict) else None
            parts.append(f"[{key}]" + (f" ({name})" if name else ""))
            node = entry
        else:
            parts.append(f".{key}" if parts else key)
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "top level"


def load_vocabulary_file(path: Path) -> Vocabulary:
    return parse_vocabulary(path.read_text(encoding="utf-8"), str(path))


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The packaged vocabulary, read and validated once per process."""
    raw = resources.files("ingest").joinpath(VOCABULARY_FILE).read_text(encoding="utf-8")
    return parse_vocabulary(raw, f"ingest/{VOCABULARY_FILE}")
