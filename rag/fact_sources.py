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

from policy_guard.facts import CaseFacts, ride_age
from rag.fact_fields import FactFields, fact_fields
from rag.facts import QuestionFacts
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


def question_readings(read: QuestionFacts) -> list[FactReading]:
    """The question's statements in the order they stand in it, each with its span (a fact
    its reader gave no reading for gets one without a span)."""
    stated = read.facts.model_dump(exclude_none=True)
    spanned = sorted(
        (r for r in read.readings.values() if stated.get(r.fact) == r.value),
        key=lambda r: r.span or (0, 0),
    )
    have = {r.fact for r in spanned}
    rest = [r for r in readings_from_facts(read.facts, "question") if r.fact not in have]
    return [*spanned, *rest]


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


#: The ride's age on its two clocks: one fact (``policy_guard.facts.ride_age``).
AGE = ("days_since_ride", "hours_since_ride")


def _age(facts: dict[str, Any]) -> tuple[int | None, int | None]:
    return ride_age(facts.get("days_since_ride"), facts.get("hours_since_ride"))


def _settle_age(
    console: dict[str, Any],
    text: dict[str, FactReading],
    readings: Sequence[FactReading],
    confirmed: Collection[str],
    values: dict[str, Any],
    provenance: dict[str, FactReading],
    conflicts: list[Conflict],
) -> None:
    """The ride's age as one fact: the console's clocks, or the latest text statement on
    either clock, the older age where they disagree (a longer wait opens less)."""
    order = {id(r): i for i, r in enumerate(readings)}
    said = max(
        (text[n] for n in AGE if n in text), key=lambda r: order.get(id(r), -1), default=None
    )
    stated = {n: console[n] for n in AGE if n in console}
    if said is None and not stated:
        return
    heard = {said.fact: said.value} if said is not None else {}
    use, origin = (stated, "console") if stated else (heard, "text")
    if stated and heard and not set(AGE) & set(confirmed):
        (c_days, c_hours), (t_days, t_hours) = _age(stated), _age(heard)
        if c_days != t_days or (c_hours != t_hours and AGE[1] in stated and AGE[1] in heard):
            older = heard if (t_hours or 0) > (c_hours or 0) else stated
            assert said is not None
            conflicts.append(
                Conflict(
                    fact=said.fact,
                    console=stated.get(said.fact, _age(stated)[AGE.index(said.fact)]),
                    text=said.value,
                    span=said.span,
                    turn=said.turn,
                    applied=_age(older)[AGE.index(said.fact)],
                )
            )
            use, origin = older, ("text" if older is heard else "console")
    days, hours = _age(use)
    for name, value in zip(AGE, (days, hours), strict=True):
        if name not in use and name == AGE[1]:
            continue  # hours stay as stated; days are derived from them (ride_age)
        values[name] = value
        if origin == "text" and said is not None:
            provenance[name] = said.model_copy(update={"fact": name, "value": value})
        else:
            provenance[name] = FactReading(fact=name, value=value, origin="console", method="field")


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
    _settle_age(console, text, readings, confirmed, values, provenance, conflicts)
    for name in vocab.facts:
        if name in AGE:
            continue
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
