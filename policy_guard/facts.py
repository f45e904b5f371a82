"""The facts of a case, as the agent's console knows them (spec section 1).

Every field is optional; unknown is ``None``, never guessed. The model is strict: unknown fields
and wrong types are rejected, so a typo in a console integration fails loudly instead of being
read as "unknown" (which would silently take the restrictive branch).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

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

# The value lists, derived from the Literal types so the two cannot drift apart.
REQUESTS: tuple[Request, ...] = get_args(Request)
RIDE_STATUSES: tuple[RideStatus, ...] = get_args(RideStatus)
REASONS: tuple[Reason, ...] = get_args(Reason)


class CaseFacts(BaseModel):
    """What is known about the case. Field names are fixed by the spec."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    service: str | None = Field(default=None, max_length=40, examples=["pet"])
    request: Request | None = None
    ride_status: RideStatus | None = None
    days_since_ride: int | None = Field(default=None, ge=0, le=36_500)
    history_available: bool | None = None
    reason: Reason | None = None
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
