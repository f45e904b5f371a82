"""The facts of a case, as the agent's console knows them (spec section 1).

Every field is optional; unknown is ``None``, never guessed. The model is strict: unknown fields
and wrong types are rejected, so a typo in a console integration fails loudly instead of being
read as "unknown" (which would silently take the restrictive branch).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    model_validator,
)
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

#: The longest ride age the model holds, in days (and the same in hours).
MAX_DAYS = 36_500
HOURS_PER_DAY = 24

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
    days_since_ride: int | None = Field(default=None, ge=0, le=MAX_DAYS)
    #: The ride's age in hours, for windows stated in hours ("하차 후 24시간 이내"), when it
    #: was stated in hours; ``ride_hours`` reads it for any case, and ``days_since_ride`` is
    #: filled from it (``ride_age``: the one rule for the two clocks).
    hours_since_ride: int | None = Field(default=None, ge=0, le=MAX_DAYS * HOURS_PER_DAY)
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

    @model_validator(mode="before")
    @classmethod
    def _both_clocks(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        days, hours = data.get("days_since_ride"), data.get("hours_since_ride")
        if not isinstance(days, int | None) or not isinstance(hours, int | None):
            return data  # the field's own validation names the wrong type
        if isinstance(days, bool) or isinstance(hours, bool):
            return data
        if days is not None and hours is not None and hours // HOURS_PER_DAY != days:
            raise ValueError(
                f"days_since_ride={days} and hours_since_ride={hours} disagree "
                f"(days must be hours // {HOURS_PER_DAY})"
            )
        # The days are stored (the guard's day windows read them); hours stay as stated and
        # are derived on reading (``ride_hours``), so a day-only case stays as it was given.
        return {**data, "days_since_ride": ride_age(days, hours)[0]}

    @property
    def ride_hours(self) -> int | None:
        """The ride's age in hours: as stated, else from the days (``ride_age``)."""
        return ride_age(self.days_since_ride, self.hours_since_ride)[1]

    def merged_over(self, base: CaseFacts) -> CaseFacts:
        """These facts, with ``base`` filling what is unknown here (explicit fields win). The
        ride's age is one fact in two units: when stated here, neither of base's clocks stays."""
        own = self.model_dump(exclude_none=True)
        merged = base.model_dump(exclude_none=True)
        if self.days_since_ride is not None:
            merged.pop("days_since_ride", None)
            merged.pop("hours_since_ride", None)
        return CaseFacts.model_validate({**merged, **own})

    def with_age(self, days: int | None = None, hours: int | None = None) -> CaseFacts:
        """A copy with the ride's age replaced (both clocks set by ``ride_age``)."""
        data = self.model_dump(exclude={"days_since_ride", "hours_since_ride"})
        return CaseFacts.model_validate(
            {**data, "days_since_ride": days, "hours_since_ride": hours}
        )


def ride_age(days: int | None, hours: int | None) -> tuple[int | None, int | None]:
    """The one rule between the two clocks: days = hours // 24 when only hours are known,
    hours = days * 24 when only days are known. Day windows (the guard's ``le`` tests, the
    playbooks' "3일 이내") read the days; hour windows read the hours."""
    if hours is not None and days is None:
        return hours // HOURS_PER_DAY, hours
    if days is not None and hours is None:
        return days, min(days * HOURS_PER_DAY, MAX_DAYS * HOURS_PER_DAY)
    return days, hours
