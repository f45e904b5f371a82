"""The facts of a case, as the agent's console knows them (spec section 1).

Every field is optional; unknown is ``None``, never guessed. The model is strict: unknown fields
and wrong types are rejected, so a typo in a console integration fails loudly instead of being
read as "unknown" (which would silently take the restrictive branch).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Annotated, Literal, get_args

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

Request = Literal[
    "driver_phone", "vehicle_plate", "driver_name", "driver_account", "usage_statement"
]
RideStatus = Literal[
    "in_progress",
    "completed",
    "cancelled_before_dispatch",
    "cancelled_after_dispatch",
    "stopped_by_passenger_report",
    "stopped_by_driver_report",
]
Reason = Literal["lost_item", "accident", "unpaid_fare", "custom_reservation", "other"]
Channel = Literal["chat", "phone"]

# The spec's value lists, derived from the Literal types so the two cannot drift apart.
REQUESTS: tuple[Request, ...] = get_args(Request)
RIDE_STATUSES: tuple[RideStatus, ...] = get_args(RideStatus)
REASONS: tuple[Reason, ...] = get_args(Reason)


@functools.cache
def known_values(fact: str) -> frozenset[str]:
    """The values the rule data (``rules.yaml``, ``facts``) knows for an open fact: requests
    and reasons are open sets, so a new one is a data change. Read on first use."""
    raw = resources.files("policy_guard").joinpath("rules.yaml").read_text(encoding="utf-8")
    facts = (yaml.safe_load(raw) or {}).get("facts", {})
    return frozenset(str(v) for v in (facts.get(fact) or {}).get("values", {}))


def _known(fact: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        known = known_values(fact)
        if value not in known:
            raise ValueError(
                f"unknown {fact} {value!r}: one of {', '.join(sorted(known))} "
                f"(policy_guard/rules.yaml facts.{fact})"
            )
        return value

    return check


class _KnownValuesSchema:
    """The JSON schema lists the values the rule data knows (read when a schema is made)."""

    def __init__(self, fact: str) -> None:
        self.fact = fact

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["enum"] = sorted(known_values(self.fact))
        return schema


#: A request or reason named by the rule data (the spec's values among them).
RequestValue = Annotated[str, AfterValidator(_known("request")), _KnownValuesSchema("request")]
ReasonValue = Annotated[str, AfterValidator(_known("reason")), _KnownValuesSchema("reason")]


class CaseFacts(BaseModel):
    """What is known about the case. Field names are fixed by the spec."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    service: str | None = Field(default=None, max_length=40, examples=["pet"])
    request: RequestValue | None = Field(default=None, examples=list(REQUESTS))
    ride_status: RideStatus | None = None
    days_since_ride: int | None = Field(default=None, ge=0, le=36_500)
    history_available: bool | None = None
    reason: ReasonValue | None = Field(default=None, examples=list(REASONS))
    driver_consent: bool | None = None
    identity_verified: bool | None = None
    withdrawn: bool | None = None
    alt_recipient: bool | None = None
    collection_consent: bool | None = None
    channel: Channel | None = None
    driver_name: str | None = Field(default=None, max_length=40)
    driver_phone: str | None = Field(default=None, max_length=40)
    vehicle_plate: str | None = Field(default=None, max_length=40)

    def merged_over(self, base: CaseFacts) -> CaseFacts:
        """These facts, with ``base`` filling what is unknown here (explicit fields win)."""
        own = self.model_dump(exclude_none=True)
        return base.model_copy(update=own)
