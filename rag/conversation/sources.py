"""The console's case laid over what the chat says (spec section 4).

Where the chat and a console field disagree, the conflict is named and the more restrictive of
the two values is used until the agent confirms the fact (``confirmed``): then the console's
value stands. A fact only one side states is taken from that side.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import BaseModel, ConfigDict

from policy_guard.facts import CaseFacts
from rag.facts import with_ride_timing
from rag.readings import FactReading

#: Disclosure-opening booleans: false is the restrictive value.
_OPEN_WHEN_TRUE = frozenset({"driver_consent", "identity_verified", "collection_consent"})
#: Booleans whose true value closes a route (or needs another consent).
_CLOSE_WHEN_TRUE = frozenset({"history_available", "withdrawn", "alt_recipient"})
_NORMAL_STATUSES = frozenset({"in_progress", "completed"})


class Conflict(BaseModel):
    """A fact the chat and the console state differently."""

    model_config = ConfigDict(frozen=True)

    fact: str
    console: Any
    text: Any
    turn: int | None
    used: Any  # the value the rules use until the agent confirms
    confirmed: bool = False


def restrictive(fact: str, a: Any, b: Any) -> Any:
    """The value of the two that opens less."""
    if fact in _OPEN_WHEN_TRUE:
        return a and b
    if fact in _CLOSE_WHEN_TRUE:
        return a or b
    if fact == "days_since_ride":
        return max(a, b)
    if fact == "ride_status":
        return a if a not in _NORMAL_STATUSES else b if b not in _NORMAL_STATUSES else a
    return a  # no disclosure depends on it: the console's


def lay_console(
    chat: CaseFacts,
    readings: dict[str, FactReading],
    case: CaseFacts,
    confirmed: Collection[str] = (),
) -> tuple[CaseFacts, dict[str, FactReading], list[Conflict]]:
    """(resolved facts, the reading behind each, conflicts)."""
    console = case.model_dump(exclude_none=True)
    values: dict[str, Any] = chat.model_dump(exclude_none=True)
    provenance = {f: r for f, r in readings.items() if f in values}
    conflicts: list[Conflict] = []
    for fact, value in console.items():
        field_reading = FactReading(fact=fact, value=value, origin="console", method="field")
        text = values.get(fact)
        if text is None or text == value:
            values[fact] = value
            provenance[fact] = field_reading
            continue
        agreed = fact in confirmed
        used = value if agreed else restrictive(fact, value, text)
        conflicts.append(
            Conflict(
                fact=fact,
                console=value,
                text=text,
                turn=readings[fact].turn if fact in readings else None,
                used=used,
                confirmed=agreed,
            )
        )
        values[fact] = used
        if used == value:
            provenance[fact] = field_reading
    return with_ride_timing(CaseFacts(**values)), provenance, conflicts
