"""POST /v1/suggest: a guard-clean reply for the agent's question and case facts."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Body

from api.deps import RunnerDep, RuntimeDep, SettingsDep, v1_router
from api.examples import SUGGEST_EXAMPLES
from api.limits import check_text
from rag.contract import Suggestion, SuggestRequest
from rag.final_guard import guard_suggestion

log = logging.getLogger("agent_assist.suggest")
router = v1_router("suggest")


@router.post(
    "/suggest",
    summary="Suggest a reply",
    description=(
        "Retrieves the playbook situation that matches the case facts, drafts a reply from its "
        "approved script (or via the configured LLM) and returns it only after the policy guard "
        "passed it. `draft_violations` lists "
        "what a first draft broke before it was replaced; `llm_skipped` is true when an LLM is "
        "configured but failed, and the composed reply was used. Facts come from the console's "
        "`case` and from the question; the question may never establish the driver's consent, "
        "identity or collection consent (those are listed in `refused`), and where it disagrees "
        "with a console field the conflict is listed in `conflicts` and the rules use the more "
        "restrictive value until the agent confirms the console value in `confirmed`."
    ),
)
async def suggest(
    body: Annotated[SuggestRequest, Body(openapi_examples=SUGGEST_EXAMPLES)],
    settings: SettingsDep,
    runtime: RuntimeDep,
    runner: RunnerDep,
) -> Suggestion:
    check_text("question", body.question, settings.max_question_chars)
    pipeline = runtime.pipeline
    suggestion = await runner.run(
        pipeline.suggest, body.question, body.case, confirmed=body.confirmed
    )
    suggestion = guard_suggestion(suggestion)  # the edge: whatever leaves passed the guard
    log.info(
        "suggest grounded=%s drafter=%s llm_skipped=%s chunks=%s draft_rules=%s timings=%s",
        suggestion.grounded,
        suggestion.drafter,
        suggestion.llm_skipped,
        [c.chunk_id for c in suggestion.citations],
        sorted({v.rule for v in suggestion.draft_violations}),
        {k: round(v, 1) for k, v in suggestion.timings_ms.items()},
    )
    return suggestion
