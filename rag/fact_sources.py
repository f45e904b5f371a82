"""Facts from several origins, settled by who may state what (spec section 4).

The console's case fields are the company's records and the agent's deliberate choice; text
(the question box, or the turns of a chat) is what someone said. Each fact's entry in
``rag/vocabulary/fact_fields.yaml`` says which origins may set it and which may only make it
more restrictive: no text can ever establish the driver's consent, for instance, while "기사님이
동의 안 하셨대요" can withdraw it. A text statement that disagrees with a console field is a
conflict: it is reported, and the rules use the more restrictive value until the agent
confirms the console value (``confirmed``) or changes the field.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from policy_guard.facts import CaseFacts
from rag.fact_fields import FactFields, fact_fields
from rag.readings import FactReading, Origin


class Conflict(BaseModel):
    """A console field and the text disagree; ``applied`` is what the rules used."""

    model_config = ConfigDict(frozen=True)

    fact: str
    console: Any
    text: Any
    span: tuple[int, int] | None = None
    turn: int | None = None
    applied: Any = None


class RefusedFact(BaseModel):
    """A fact the text stated but may not establish; it was not used."""

    model_config = ConfigDict(frozen=True)

    fact: str
    value: Any
    origin: Origin
    span: tuple[int, int] | None = None
    turn: int | None = None
    reason: str


@dataclass(frozen=True)
class Resolution:
    facts: CaseFacts
    provenance: dict[str, FactReading] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    refused: list[RefusedFact] = field(default_factory=list)


def readings_from_facts(
    facts: CaseFacts, origin: Origin, turn: int | None = None
) -> list[FactReading]:
    """Readings for the facts a text reader returned without spans."""
    method = "field" if origin == "console" else "rule"
    return [
        FactReading(fact=name, value=value, origin=origin, method=method, turn=turn)
        for name, value in facts.model_dump(exclude_none=True).items()
    ]


def _origin_of(reading: FactReading) -> str:
    # A confirmation step (the customer's "네" to the agent's own question) is its own source.
    return "confirmation" if reading.method == "confirmation" else reading.origin


def _latest_allowed(
    readings: Iterable[FactReading], vocab: FactFields
) -> tuple[dict[str, FactReading], list[RefusedFact]]:
    """The latest statement of each fact that its origin may make; the others refused."""
    latest: dict[str, FactReading] = {}
    refused: list[RefusedFact] = []
    for reading in readings:
        entry = vocab[reading.fact]
        if entry.may_set(_origin_of(reading), reading.value):
            latest[reading.fact] = reading
        else:
            refused.append(
                RefusedFact(
                    fact=reading.fact,
                    value=reading.value,
                    origin=reading.origin,
                    span=reading.span,
                    turn=reading.turn,
                    reason=entry.refused or f"{entry.label}: 이 출처로는 설정할 수 없습니다.",
                )
            )
    return latest, refused


def resolve(
    case: CaseFacts | None,
    readings: Sequence[FactReading],
    confirmed: Collection[str] = (),
) -> Resolution:
    """The facts the rules use: the console's fields and the text's allowed statements, the
    more restrictive value where they disagree (unless the agent confirmed the console's).
    ``readings`` are in the order they were stated; the latest statement of a fact wins."""
    vocab = fact_fields()
    console = case.model_dump(exclude_none=True) if case is not None else {}
    text, refused = _latest_allowed(readings, vocab)
    values: dict[str, Any] = {}
    provenance: dict[str, FactReading] = {}
    conflicts: list[Conflict] = []
    for name in vocab.facts:
        said = text.get(name)
        if name in console:
            values[name] = console[name]
            provenance[name] = FactReading(
                fact=name, value=console[name], origin="console", method="field"
            )
            if said is None or said.value == console[name] or name in confirmed:
                continue
            applied = vocab[name].settle(console[name], said.value)
            conflicts.append(
                Conflict(
                    fact=name,
                    console=console[name],
                    text=said.value,
                    span=said.span,
                    turn=said.turn,
                    applied=applied,
                )
            )
            values[name] = applied
            if applied == said.value:
                provenance[name] = said
        elif said is not None:
            values[name] = said.value
            provenance[name] = said
    facts = CaseFacts(**{k: v for k, v in values.items() if v is not None})
    provenance = {k: v for k, v in provenance.items() if values.get(k) is not None}
    return Resolution(facts, provenance, conflicts, refused)
