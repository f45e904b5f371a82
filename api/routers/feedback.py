"""POST /v1/feedback: store the agent's thumbs up/down on a suggestion."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Body

from api.deps import FeedbackDep, RunnerDep, SettingsDep, v1_router
from api.examples import FEEDBACK_EXAMPLES
from api.limits import check_text
from api.logging import request_id_var
from api.schemas import FeedbackRequest, FeedbackStored

log = logging.getLogger("agent_assist.feedback")
router = v1_router("feedback")


@router.post(
    "/feedback",
    status_code=201,
    summary="Rate a suggestion",
    description=(
        "Stores a thumbs up/down with the question, facts and reply (the console's personal "
        "values are replaced by placeholders) in SQLite under the data dir, for evaluation."
    ),
)
async def feedback(
    body: Annotated[FeedbackRequest, Body(openapi_examples=FEEDBACK_EXAMPLES)],
    settings: SettingsDep,
    store: FeedbackDep,
    runner: RunnerDep,
) -> FeedbackStored:
    check_text("question", body.question, settings.max_question_chars)
    row_id = await runner.run(store.add, body, request_id_var.get())
    # chunk ids here come from the caller, so only their count is logged
    log.info("feedback id=%d rating=%s chunks=%d", row_id, body.rating, len(body.chunk_ids))
    return FeedbackStored(id=row_id)
