"""The hard rules as data (``rules.yaml``): ids, clauses, messages, allow conditions, examples.

An allow condition is a small tree of fact tests. An unknown fact (``None``) fails every test,
so an unknown fact always takes the restrictive branch (spec section 2).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from policy_guard.facts import REASONS, REQUESTS, CaseFacts
from policy_guard.verdict import SPEC_RULE_IDS, RuleId

FactName = Literal[
    "service",
    "request",
    "ride_status",
    "days_since_ride",
    "history_available",
    "reason",
    "driver_consent",
    "identity_verified",
    "withdrawn",
    "alt_recipient",
    "collection_consent",
    "channel",
]
Scalar = bool | int | str


class FactTest(BaseModel):
    """One test of one fact: ``eq``, ``in`` (any of), ``le`` (at most). Unknown fails."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    fact: FactName
    eq: Scalar | None = None
    in_: tuple[str, ...] | None = Field(default=None, alias="in")
    le: int | None = None

    @model_validator(mode="after")
    def _one_test(self) -> FactTest:
        if sum(t is not None for t in (self.eq, self.in_, self.le)) != 1:
            raise ValueError(f"test on {self.fact!r} needs exactly one of eq, in, le")
        return self

    def holds(self, case: CaseFacts) -> bool:
        value = getattr(case, self.fact)
        if value is None:
            return False
        if self.eq is not None:
            return bool(value == self.eq and type(value) is type(self.eq))
        if self.in_ is not None:
            return value in self.in_
        return isinstance(value, int) and self.le is not None and value <= self.le


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    any: tuple[Condition, ...] = Field(min_length=1)


Condition = FactTest | AllOf | AnyOf
AllOf.model_rebuild()
AnyOf.model_rebuild()


def holds(condition: Condition | Literal["never"], case: CaseFacts) -> bool:
    if condition == "never":
        return False
    if isinstance(condition, FactTest):
        return condition.holds(case)
    if isinstance(condition, AllOf):
        return all(holds(c, case) for c in condition.all)
    return any(holds(c, case) for c in condition.any)


class FactLabel(BaseModel):
    """How a fact reads in a message: ``label`` and a word per value (``unit`` for numbers)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    values: dict[str, str] = Field(default_factory=dict)
    unit: str = ""
    unknown: str = ""  # how an unknown value reads (default: "<label> 미확인")


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    draft: str = Field(min_length=1)
    case: CaseFacts = Field(default_factory=CaseFacts)
    note: str = ""


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    violating: tuple[Example, ...] = Field(min_length=1)
    compliant: tuple[Example, ...] = Field(min_length=1)


#: The kinds of value the guard can find in a draft, one check each (``checks.REGISTRY``). A new
#: rule about one of these kinds is a rules.yaml entry only.
DetectorKind = Literal[
    "personal_id", "account", "phone", "plate", "name", "statement_identity", "statement_consent"
]
ServiceId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Allow = Condition | Literal["never"]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RuleId
    title: str
    clause: str
    message: str
    #: What the rule looks for in a draft.
    detector: DetectorKind
    allow: Allow
    #: The services whose playbooks ``allow`` was written for (the 3/7/14-day windows are the
    #: pet playbook's). A case of another named service is judged by ``otherwise``; a case that
    #: names no service by ``allow``. Empty: ``allow`` holds for every service.
    allow_services: tuple[ServiceId, ...] = ()
    otherwise: Allow = "never"
    #: The services the rule governs at all (empty: every one). A case that names no service is
    #: checked (unknown facts take the restrictive branch).
    services: tuple[ServiceId, ...] = ()
    # Case facts that make the rule apply on their own (besides what the draft says).
    applies_when: Condition | None = None
    examples: Examples

    def governs(self, case: CaseFacts) -> bool:
        return not self.services or case.service is None or case.service in self.services

    def allow_for(self, case: CaseFacts) -> Allow:
        """The allow condition for the case's service."""
        named = case.service is not None and bool(self.allow_services)
        if named and case.service not in self.allow_services:
            return self.otherwise
        return self.allow

    def allows(self, case: CaseFacts) -> bool:
        return holds(self.allow_for(case), case)


class RuleTable(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    facts: dict[FactName, FactLabel]
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _complete(self) -> RuleTable:
        ids = [r.id for r in self.rules]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"rules: id listed twice: {', '.join(twice)}")
        missing = [i for i in SPEC_RULE_IDS if i not in ids]
        if missing:
            raise ValueError(f"rules: the spec's rules are missing: {', '.join(missing)}")
        open_facts: tuple[tuple[FactName, tuple[str, ...]], ...] = (
            ("request", REQUESTS),
            ("reason", REASONS),
        )
        for fact, spec in open_facts:
            label = self.facts.get(fact)
            absent = [v for v in spec if label is None or v not in label.values]
            if absent:
                raise ValueError(f"facts.{fact}.values: the spec's values are missing: {absent}")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.rules)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def describe_failure(self, condition: Allow, case: CaseFacts) -> str:
        """Why ``condition`` does not hold for ``case``: the deciding facts, in Korean."""
        if condition == "never":
            return "어떤 경우에도 안내 불가"
        return "; ".join(self._failures(condition, case))

    def _failures(self, condition: Condition, case: CaseFacts) -> list[str]:
        if isinstance(condition, FactTest):
            return [] if condition.holds(case) else [self._fact_text(condition, case)]
        if isinstance(condition, AllOf):
            return [f for c in condition.all for f in self._failures(c, case)]
        parts = [", ".join(self._failures(c, case)) for c in condition.any]
        return [" / ".join(p for p in parts if p)]

    def _fact_text(self, test: FactTest, case: CaseFacts) -> str:
        label = self.facts.get(test.fact, FactLabel(label=test.fact))
        value: Any = getattr(case, test.fact)
        if value is None:
            return label.unknown or f"{label.label} 미확인"
        shown = label.values.get(str(value).lower(), str(value)) + label.unit
        if test.le is not None:
            return f"{label.label} {shown} ({test.le}{label.unit} 이내 아님)"
        return f"{label.label} {shown}"


class RuleDataError(ValueError):
    """The rule data is not valid: the message names the file, the rule and the problem."""


def parse_rules(raw: str, source: str) -> RuleTable:
    data = yaml.safe_load(raw)
    try:
        return RuleTable.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{_where(data, err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise RuleDataError(f"{source}: {problems}") from exc


def _where(data: Any, loc: tuple[int | str, ...]) -> str:
    """ "rules[2] (driver-phone).allow" rather than "rules.2.allow"."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            node = node[key]
            name = node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{key}]" + (f" ({name})" if name else ""))
        else:
            parts.append(f".{key}" if parts else str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "top level"


@functools.cache
def load_rules() -> RuleTable:
    """The packaged rule table, read and validated once per process."""
    raw = resources.files("policy_guard").joinpath("rules.yaml").read_text(encoding="utf-8")
    return parse_rules(raw, "policy_guard/rules.yaml")
