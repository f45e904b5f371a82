"""POST /v1/guard: check any draft against the policy rules for the case."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Body

from api.deps import RunnerDep, SettingsDep, v1_router
from api.examples import GUARD_EXAMPLES
from api.limits import check_text
from policy_guard import check
from policy_guard.verdict import Verdict
from rag.contract import GuardRequest

log = logging.getLogger("agent_assist.guard")
router = v1_router("guard")


@router.post(
    "/guard",
    summary="Check a draft",
    description=(
        "Runs the deterministic policy guard. Violations are data: each names its rule id, the "
        "span of the draft that breaks it and the playbook clause. Needs no index, so it answers "
        "even while the store is down."
    ),
)
async def guard(
    body: Annotated[GuardRequest, Body(openapi_examples=GUARD_EXAMPLES)],
    settings: SettingsDep,
    runner: RunnerDep,
) -> Verdict:
    check_text("draft", body.draft, settings.max_draft_chars)
    verdict = await runner.run(check, body.draft, body.case)
    log.info("guard allowed=%s rules=%s", verdict.allowed, [v.rule for v in verdict.violations])
    return verdict
