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
from rag.fact_fields import fact_fields

#: Prompts, in the order an agent would ask them (the `ask` entries of fact_fields.yaml).
PROMPTS: Final[Mapping[str, str]] = fact_fields().ask_prompts()

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
