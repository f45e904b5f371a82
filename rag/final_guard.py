"""The last guard check before a reply leaves rag: whatever is sent passed ``policy_guard``.

A refused final reply is a fault upstream (composed scripts pass the guard; a model's draft is
revised or replaced before this point), so it is never expected; it is still never sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TypeVar

import policy_guard
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Verdict, Violation
from rag.contract import Suggestion

log = logging.getLogger(__name__)

#: Sent instead of a final reply the guard refused: it states no policy and carries no value.
#: (``NO_SCRIPT_REPLY`` is another case: no approved script covers the question.)
REFUSED_REPLY = (
    "이 문의에 보낼 수 있는 안내 문구를 만들지 못했습니다. 해당 플레이북을 직접 확인해 주세요."
)


@dataclass(frozen=True)
class FinalReply:
    reply: str  # the reply checked, or REFUSED_REPLY in its place
    verdict: Verdict  # the guard's verdict on ``reply``
    refused: tuple[Violation, ...]  # what the refused reply broke (empty when it passed)


def guard_final_reply(reply: str, facts: CaseFacts) -> FinalReply:
    """``reply`` when the guard passes it for ``facts``, else ``REFUSED_REPLY``."""
    verdict = policy_guard.check(reply, facts)
    if verdict.allowed:
        return FinalReply(reply, verdict, ())
    log.error("final reply refused rules=%s", sorted({v.rule for v in verdict.violations}))
    return FinalReply(
        REFUSED_REPLY, policy_guard.check(REFUSED_REPLY, facts), tuple(verdict.violations)
    )


SuggestionT = TypeVar("SuggestionT", bound=Suggestion)


def guard_suggestion(suggestion: SuggestionT) -> SuggestionT:
    """``suggestion`` with its reply through ``guard_final_reply``: a refused reply is replaced
    and what it broke is added to ``draft_violations``."""
    final = guard_final_reply(suggestion.reply, suggestion.facts)
    return suggestion.model_copy(
        update={
            "reply": final.reply,
            "guard": final.verdict,
            "draft_violations": [*suggestion.draft_violations, *final.refused],
        }
    )
