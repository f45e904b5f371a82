"""POST /v1/assist: the chat so far in; the next guarded reply, the procedure step it is for, the
facts with their provenance and the hand-off ticket out (spec section 5). Stateless: the console
resends the chat each time."""

from __future__ import annotations

import logging
import weakref
from typing import Annotated

from fastapi import Body

from api.deps import RunnerDep, RuntimeDep, SettingsDep, v1_router
from api.limits import check_text
from core.errors import UnavailableError
from policy_guard import check
from rag.conversation.assist import Assistance, AssistRequest, ConversationAssistant
from rag.final_guard import guard_suggestion
from rag.pipeline import SuggestionPipeline

log = logging.getLogger("agent_assist.assist")
router = v1_router("assist")

_assistants: weakref.WeakKeyDictionary[SuggestionPipeline, ConversationAssistant] = (
    weakref.WeakKeyDictionary()
)

ASSIST_EXAMPLE = {
    "conversation": [
        {"role": "customer", "text": "대리 이용내역서가 필요해요. 회사에 내야 해서요"},
        {"role": "agent", "text": "카카오 T 앱을 통해 호출하신 본인이십니까?"},
        {"role": "customer", "text": "네 제가 불렀어요"},
    ],
    "case": {"service": "daeri"},
    "confirmed": [],
}


def _assistant(pipeline: object) -> ConversationAssistant:
    if not isinstance(pipeline, SuggestionPipeline):
        raise UnavailableError("the conversation assist needs the retrieval pipeline")
    found = _assistants.get(pipeline)
    if found is None:
        found = _assistants.setdefault(pipeline, ConversationAssistant(pipeline))
    return found


def _guarded(result: Assistance) -> Assistance:
    """Whatever leaves the service passed the guard (the reply and the ticket text)."""
    result = guard_suggestion(result)
    if result.handoff is not None and not check(result.handoff.text, result.facts).allowed:
        log.error("final guard blocked the hand-off text kind=%s", result.handoff.kind)
        result = result.model_copy(update={"handoff": None})
    return result


@router.post(
    "/assist",
    summary="Assist a chat",
    description=(
        "Reads the chat turn by turn (the latest statement of a fact wins; consents and identity "
        "only from the customer's answer right after the agent's own question; the driver's "
        "consent never from text), lays the console's case over it (conflicts named, the "
        "restrictive value used until the agent confirms), and returns the guarded next reply "
        "with the playbook procedure step it is for and, at a hand-off, the ticket to file. "
        "The customer's personal data appears only in `handoff.attachment`."
    ),
)
async def assist(
    body: Annotated[AssistRequest, Body(examples=[ASSIST_EXAMPLE])],
    settings: SettingsDep,
    runtime: RuntimeDep,
    runner: RunnerDep,
) -> Assistance:
    for i, turn in enumerate(body.conversation):
        check_text(f"conversation[{i}].text", turn.text, settings.max_question_chars)
    assistant = _assistant(runtime.pipeline)
    result = _guarded(await runner.run(assistant.assist, body))
    log.info(
        "assist grounded=%s step=%s handoff=%s chunks=%s timings=%s",
        result.grounded,
        result.step,
        result.handoff.kind if result.handoff else None,
        [c.chunk_id for c in result.citations],
        {k: round(v, 1) for k, v in result.timings_ms.items()},
    )
    return result
