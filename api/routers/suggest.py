"""POST /v1/suggest: a guard-clean reply for the agent's question and case facts."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Body

from api.deps import RunnerDep, RuntimeDep, SettingsDep, v1_router
from api.examples import SUGGEST_EXAMPLES
from api.limits import check_text
from policy_guard import check
from rag.contract import Suggestion, SuggestRequest

log = logging.getLogger("agent_assist.suggest")
router = v1_router("suggest")

#: Sent instead of a reply that fails the final guard check (a pipeline fault, never expected):
#: it states no policy and carries no value.
WITHHELD_REPLY = (
    "이 문의에 보낼 수 있는 안내 문구를 만들지 못했습니다. 해당 플레이북을 직접 확인해 주세요."
)


def _guarded(suggestion: Suggestion) -> Suggestion:
    """Check the reply once more at the edge: whatever leaves the service passed the guard."""
    verdict = check(suggestion.reply, suggestion.facts)
    if verdict.allowed:
        return suggestion.model_copy(update={"guard": verdict})
    log.error("final guard blocked reply rules=%s", sorted({v.rule for v in verdict.violations}))
    return suggestion.model_copy(
        update={
            "reply": WITHHELD_REPLY,
            "guard": check(WITHHELD_REPLY, suggestion.facts),
            "draft_violations": [*suggestion.draft_violations, *verdict.violations],
        }
    )


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
    suggestion = _guarded(suggestion)
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
