"""What the agent should still ask the customer: only the unknown facts that would change
the answer.

A fact counts when giving it some plausible value would choose another situation of the
playbook, or when the guard removed part of the script for want of it (본인 확인, 수집 동의).
The facts that govern issuing a statement (who the requester is, whether they left the
service, where it goes) are asked only when the request is a statement: a question about
seeing the ride in the app is answered the same way whoever asks. A fact already settled
(a ride in progress has day count 0, see ``rag.facts.with_ride_timing``) is never asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from policy_guard.facts import REASONS, REQUESTS, RIDE_STATUSES, CaseFacts

#: Prompts, in the order an agent would ask them.
PROMPTS: Final[Mapping[str, str]] = {
    "request": "요청하는 정보(연락처/차량번호/이름/계좌/이용내역서)가 무엇인지 확인하세요",
    "ride_status": "운행 상태(운행중/운행완료/배차 후 취소/신고로 중단)를 확인하세요",
    "days_since_ride": "탑승일(운행 후 경과 일수)을 확인하세요",
    "reason": "요청 사유(분실물/운행 중 사고/운임 미지급/맞춤예약)를 확인하세요",
    "history_available": (
        "고객이 앱 이용기록을 확인할 수 있는지(이용기록 삭제·휴대폰 분실 여부) 확인하세요"
    ),
    "identity_verified": "본인 여부를 확인하세요",
    "withdrawn": "탈퇴 고객인지 확인하세요",
    "alt_recipient": "다른 이메일 주소나 닉네임이 아닌 성함으로 발급을 원하는지 확인하세요",
    "collection_consent": "개인정보 수집 동의 여부를 확인하세요",
}

#: Values tried for each unknown fact when testing whether it would change the answer.
PROBES: Final[Mapping[str, Sequence[Any]]] = {
    "request": REQUESTS,
    "ride_status": RIDE_STATUSES,
    "days_since_ride": (0, 2, 3, 4, 6, 7, 8, 14, 15, 30, 400),
    "reason": REASONS,
    "history_available": (True, False),
    "identity_verified": (True, False),
    "withdrawn": (True, False),
    "alt_recipient": (True, False),
}

#: Facts that only matter for issuing a statement (the guard's statement-identity and
#: statement-consent rules, and the routes that lead to them).
STATEMENT_FACTS: Final[frozenset[str]] = frozenset(
    {"identity_verified", "withdrawn", "alt_recipient", "collection_consent"}
)
STATEMENT_REQUEST: Final = "usage_statement"

#: Guard rules whose removed sentences a fact would restore.
RULE_FACTS: Final[Mapping[str, tuple[str, ...]]] = {
    "statement-identity": ("identity_verified",),
    "statement-consent": ("collection_consent",),
}


def _probe(facts: CaseFacts, name: str, value: Any) -> CaseFacts:
    if name == "days_since_ride":
        return facts.with_age(days=value)  # both clocks, so hour windows see it too
    return facts.model_copy(update={name: value})


def facts_to_ask(
    facts: CaseFacts,
    choose: Callable[[CaseFacts], str | None],
    removed_rules: Sequence[str] = (),
    requests: Sequence[str] | None = None,
) -> list[str]:
    """Prompts for the unknown facts that would change the chosen situation (``choose``
    returns its chunk id) or restore what the guard removed. ``requests``: the items the
    playbook answers for (only those are tried for an unknown request)."""
    return prompts_for(facts_that_matter(facts, choose, removed_rules, requests))


def prompts_for(names: Sequence[str]) -> list[str]:
    """The agent's prompts for these facts, in asking order."""
    return [prompt for name, prompt in PROMPTS.items() if name in names]


def facts_that_matter(
    facts: CaseFacts,
    choose: Callable[[CaseFacts], str | None],
    removed_rules: Sequence[str] = (),
    requests: Sequence[str] | None = None,
) -> list[str]:
    """The unknown facts behind ``facts_to_ask``, by name."""
    current = choose(facts)
    wanted: set[str] = set()
    probes = dict(PROBES)
    if requests is not None:
        probes["request"] = tuple(requests)
    issuing = facts.request == STATEMENT_REQUEST
    for name, values in probes.items():
        if getattr(facts, name) is not None or (name in STATEMENT_FACTS and not issuing):
            continue
        for value in values:
            if choose(_probe(facts, name, value)) != current:
                wanted.add(name)
                break
    for rule in removed_rules:
        for name in RULE_FACTS.get(rule, ()):
            if getattr(facts, name) is not True:
                wanted.add(name)
    return [name for name in PROMPTS if name in wanted]
