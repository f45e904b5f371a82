"""The case facts as data (``rag/vocabulary/fact_fields.yaml``): label, kind, values, and who
may establish each fact.

Validated at load: every case field has exactly one entry, enum values match the contract's,
and the errors name the file, the entry and the problem (``ConfigError``).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.errors import ConfigError
from ingest.vocabulary import load_vocabulary
from policy_guard.facts import CaseFacts

FILE = "vocabulary/fact_fields.yaml"

Kind = Literal["enum", "bool", "count", "text"]
SourceName = Literal["console", "question", "customer", "agent", "confirmation"]
Restrictive = Literal["max", "min", "true", "false", "order", "unknown", "console", "text"]


class FactField(BaseModel):
    """One case fact: how the console shows it and who may state it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str = Field(min_length=1)
    kind: Kind
    values: dict[str, str] = Field(default_factory=dict)  # value -> Korean label
    #: The values are the terms of that list of the domain vocabulary (ingest/vocabulary.yaml):
    #: a new request, reason or service is one entry there, and forms follow.
    values_from: Literal["requests", "reasons", "services"] | None = None
    order: tuple[str, ...] = ()  # with `restrictive: order`: most restrictive value first
    open: bool = False  # other values are accepted too (services)
    unit: str | None = None
    help: str | None = None
    personal: bool = False
    set_by: tuple[SourceName, ...] = Field(min_length=1)
    restrict_by: tuple[SourceName, ...] = ()
    restrictive: Restrictive
    refused: str | None = None
    #: The agent's prompt to check this fact when it is unknown and would change the answer.
    ask: str | None = Field(default=None, min_length=1)
    #: The fact only arises inside a playbook's procedure: a case stating a value a situation
    #: is stated for keeps a question about that procedure grounded ("발송 전 멘트 주세요").
    grounds: bool = False
    #: A yes/no fact whose "yes" takes the customer off the usual route (탈퇴 고객, 다른 이메일):
    #: a situation stated for it outweighs the usual route's steps (rag/condition_fit.py).
    exception: bool = False

    @model_validator(mode="before")
    @classmethod
    def _yaml_booleans(cls, data: Any) -> Any:
        # YAML reads `restrictive: true` as a boolean; the field holds the word.
        if isinstance(data, dict) and isinstance(data.get("restrictive"), bool):
            data = {**data, "restrictive": str(data["restrictive"]).lower()}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> FactField:
        if (self.kind == "enum") != bool(self.values or self.values_from):
            raise ValueError("an enum lists its values (or values_from), and only an enum does")
        if self.restrictive in ("true", "false") and self.kind != "bool":
            raise ValueError(f"restrictive: {self.restrictive} needs kind bool")
        if self.restrictive in ("max", "min") and self.kind != "count":
            raise ValueError(f"restrictive: {self.restrictive} needs kind count")
        if (self.restrictive == "order") != bool(self.order):
            raise ValueError("`restrictive: order` goes with an `order` list, and only it")
        if self.order and sorted(self.order) != sorted(self.values or self.order):
            raise ValueError(f"order {list(self.order)} must list every value once")
        if self.restrict_by and self.restrictive not in ("true", "false", "max", "min"):
            raise ValueError("restrict_by needs an ordered restrictive value")
        if self.restrict_by and not self.refused:
            raise ValueError("a fact text may only restrict needs a `refused` message")
        if set(self.restrict_by) & set(self.set_by):
            raise ValueError("an origin is either in set_by or in restrict_by")
        return self

    def choices(self) -> dict[str, str]:
        """Value -> Korean label, from this entry or from the domain vocabulary."""
        if self.values_from is None:
            return dict(self.values)
        terms = getattr(load_vocabulary(), self.values_from)
        # `values` beside `values_from` adds what no heading names (a reason of "기타").
        return {**{term.id: term.label for term in terms}, **self.values}

    def may_set(self, origin: str, value: Any) -> bool:
        """Whether a statement from ``origin`` may set this fact to ``value``: freely from
        ``set_by``; from ``restrict_by`` only to the restrictive boolean value."""
        if origin in self.set_by:
            return True
        return origin in self.restrict_by and value == (self.restrictive == "true")

    def settle(self, console: Any, text: Any) -> Any:
        """The value the rules use while a console value and a text value disagree."""
        match self.restrictive:
            case "max":
                return max(console, text)
            case "min":
                return min(console, text)
            case "true" | "false":
                want = self.restrictive == "true"
                return want if want in (console, text) else console
            case "order":
                rank = {v: i for i, v in enumerate(self.order)}
                return min(console, text, key=lambda v: rank.get(v, -1))
            case "console":
                return console
            case "text":
                return text
        return None  # unknown: neither value is shown to be the safe one


class FactFields(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The facts the agent may be prompted for, in asking order: exactly those with an ``ask``.
    ask_order: tuple[str, ...] = ()
    facts: dict[str, FactField]

    @model_validator(mode="before")
    @classmethod
    def _names(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("facts"), dict):
            facts = {
                name: ({**entry, "name": name} if isinstance(entry, dict) else entry)
                for name, entry in data["facts"].items()
            }
            data = {**data, "facts": facts}
        return data

    @model_validator(mode="after")
    def _cover_the_case(self) -> FactFields:
        fields = set(CaseFacts.model_fields)
        missing = sorted(fields - set(self.facts))
        unknown = sorted(set(self.facts) - fields)
        if missing or unknown:
            raise ValueError(
                f"entries must match the case fields: missing {missing}, unknown {unknown}"
            )
        for name, entry in self.facts.items():
            allowed = _literal_values(name)
            if allowed and not entry.open and set(entry.values) != allowed:
                raise ValueError(
                    f"{name}: values {sorted(entry.values)} != contract {sorted(allowed)}"
                )
        asked = sorted({name for name, entry in self.facts.items() if entry.ask})
        if len(set(self.ask_order)) != len(self.ask_order) or sorted(self.ask_order) != asked:
            raise ValueError(
                f"ask_order {list(self.ask_order)} must list each fact with an `ask` once: {asked}"
            )
        return self

    def ask_prompts(self) -> dict[str, str]:
        """Fact name -> the agent's prompt, in asking order."""
        return {name: self.facts[name].ask or "" for name in self.ask_order}

    def __getitem__(self, name: str) -> FactField:
        return self.facts[name]


def _literal_values(name: str) -> set[str]:
    """The values the contract's Literal type allows for a field (empty for open fields)."""
    annotation = CaseFacts.model_fields[name].annotation
    out: set[str] = set()
    for arg in get_args(annotation):
        out.update(v for v in get_args(arg) if isinstance(v, str))
    return out


def parse_fact_fields(raw: str, origin: str = FILE) -> FactFields:
    """Validate the YAML text; errors name the file, the entry and the problem."""
    try:
        return FactFields.model_validate(yaml.safe_load(raw))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{origin}: {problems}") from exc


@functools.cache
def fact_fields() -> FactFields:
    """The shipped fact vocabulary, loaded once."""
    raw = resources.files("rag").joinpath(FILE).read_text(encoding="utf-8")
    return parse_fact_fields(raw)
