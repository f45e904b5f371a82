"""What the guard returns: violations are data, never exceptions."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

#: A rule id: a string named by the rule data (``rules.yaml``), not a fixed list, so that a new
#: rule is a data change. Which ids exist is checked against the rule table.
RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")]
#: The rules the spec names (section 2): the rule table must define each of them.
SPEC_RULE_IDS: tuple[str, ...] = (
    "driver-name",
    "driver-account",
    "driver-phone",
    "vehicle-plate",
    "statement-identity",
    "statement-consent",
    "personal-id",
)


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
