"""Every approved script, used in the case it is written for, passes the guard: the count of
false blocks on playbook scripts must be 0.

The case is built from the situation's stated conditions alone (nothing keyed to a file):
each stated condition is satisfied, each console value is present so that allowed placeholders
get filled. Of the facts a situation does not state, only ``identity_verified`` is set (True):
every personal-data flow runs after the 본인확인 step, and that fact opens no disclosure of the
driver's data (it only allows issuing a statement to the account holder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from policy_guard import check, disclosure_allowed
from policy_guard.facts import CaseFacts
from rag.drafting.composed import compose_reply
from rag.script import channel_variant, customer_script, fill_info_blank

KB = Path(__file__).resolve().parents[1] / "kb"


def _situations() -> list[tuple[Chunk, str | None]]:
    out: list[tuple[Chunk, str | None]] = []
    for path in sorted(KB.glob("*.txt")):
        for chunk in chunk_document(path.name, path.read_text(encoding="utf-8")):
            if chunk.kind != "script" or not customer_script(chunk):
                continue
            for request in chunk.conditions.requests or [None]:
                out.append((chunk, request))
    return out


def facts_for(chunk: Chunk, request: str | None) -> CaseFacts:
    """A case that satisfies every condition the situation states."""
    c = chunk.conditions
    days = c.days_max if c.days_max is not None else c.days_min
    values: dict[str, Any] = {
        "request": request,
        "ride_status": c.ride_statuses[0] if c.ride_statuses else None,
        "days_since_ride": days,
        "history_available": c.history_available,
        "reason": c.reasons[0] if c.reasons else None,
        "identity_verified": True if c.identity_verified is None else c.identity_verified,
        "withdrawn": c.withdrawn,
        "alt_recipient": c.alt_recipient,
        "collection_consent": c.collection_consent,
        "channel": c.channel,
        "driver_phone": "010-8765-4321",
        "vehicle_plate": "56다7890",
        "driver_name": "이영희",
    }
    return CaseFacts.model_validate({k: v for k, v in values.items() if v is not None})


SITUATIONS = _situations()


def test_the_knowledge_base_has_situations() -> None:
    assert len(SITUATIONS) >= 10


@pytest.mark.parametrize(("chunk", "asked"), SITUATIONS, ids=[f"{c.id}-{r}" for c, r in SITUATIONS])
def test_script_passes_in_its_own_case(chunk: Chunk, asked: str | None) -> None:
    facts = facts_for(chunk, asked)
    script = fill_info_blank(channel_variant(customer_script(chunk), facts.channel), asked)
    composed = compose_reply(chunk, facts, check, disclosure_allowed)
    # The script as written (placeholders filled where the rule allows) is not blocked.
    assert composed.removed_rules == (), (chunk.section, composed.removed_rules)
    assert composed.reply, chunk.section
    assert check(composed.reply, facts).allowed
    # Nothing of the approved wording was lost beyond the placeholders' own fill.
    assert len(composed.reply) >= len(script) * 0.8
