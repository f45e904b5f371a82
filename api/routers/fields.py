"""GET /v1/fields: the case facts the console shows, from the fact vocabulary (data), so a
new fact or value is a data change and the console follows it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from api.deps import v1_router
from rag.fact_fields import fact_fields

router = v1_router("fields")


class FieldValue(BaseModel):
    value: str
    label: str


class FieldSpec(BaseModel):
    name: str
    label: str
    kind: Literal["enum", "bool", "count", "text"]
    values: list[FieldValue]
    open: bool
    unit: str | None
    personal: bool
    help: str | None
    set_by: list[str]
    restrict_by: list[str]


class Fields(BaseModel):
    fields: list[FieldSpec]


@router.get(
    "/fields",
    summary="The case facts and their values, for forms",
    description=(
        "Every case fact with its Korean label, kind, values and who may establish it "
        "(`set_by`: freely; `restrict_by`: only towards the restrictive value)."
    ),
)
async def fields() -> Fields:
    vocab = fact_fields()
    return Fields(
        fields=[
            FieldSpec(
                name=f.name,
                label=f.label,
                kind=f.kind,
                values=[FieldValue(value=v, label=label) for v, label in f.choices().items()],
                open=f.open,
                unit=f.unit,
                personal=f.personal,
                help=f.help,
                set_by=list(f.set_by),
                restrict_by=list(f.restrict_by),
            )
            for f in vocab.facts.values()
        ]
    )
