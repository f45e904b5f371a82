"""What the guard returns: violations are data, never exceptions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

RuleId = Literal[
    "driver-name",
    "driver-account",
    "driver-phone",
    "vehicle-plate",
    "statement-identity",
    "statement-consent",
    "personal-id",
]


class Violation(BaseModel):
    """One broken rule at one place of the draft."""

    model_config = ConfigDict(frozen=True)

    rule: RuleId
    span: tuple[int, int]
    text: str
    clause: str
    message: str


class Verdict(BaseModel):
    """The guard's answer for one draft."""

    model_config = ConfigDict(frozen=True)

    allowed: bool
    violations: list[Violation]
