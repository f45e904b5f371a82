"""Checks of one suggestion or one guard verdict against its labelled case.

Each evaluator returns an ``EvalResult`` (name, pass/fail, a value and the reason in words), in
the style of pydantic_evals, so that a failing case in the report says why it failed.
Evaluators that do not apply to a case (no expectation labelled) return ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from evals.datasets import GuardCase, SuggestCase
from evals.sections import section_matches
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Verdict
from rag.contract import Suggestion

_SPACE = re.compile(r"\s+")
_EXCERPT = 40

GuardFn = Callable[[str, CaseFacts], Verdict]


class EvalResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    passed: bool
    value: float | bool | str | None = None
    reason: str = ""


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def phrase_in(phrase: str, reply: str) -> bool:
    """Phrases match as written or ignoring spaces (붙여쓰기 / 띄어쓰기 are not wording)."""
    return phrase in reply or _squash(phrase) in _squash(reply)


def check_citation(case: SuggestCase, s: Suggestion) -> EvalResult | None:
    if case.source is None:
        return None
    if not s.citations:
        return EvalResult(name="citation", passed=False, reason=f"no citation; want {case.source}")
    first = s.citations[0].source
    ok = first == case.source
    reason = "" if ok else f"first citation is {first}; want {case.source}"
    return EvalResult(name="citation", passed=ok, value=first, reason=reason)


def check_section(case: SuggestCase, s: Suggestion) -> EvalResult | None:
    if case.section is None:
        return None
    if not s.citations:
        return EvalResult(name="section", passed=False, reason="no citation")
    first = s.citations[0].section
    ok = section_matches(case.section, first)
    reason = "" if ok else f"first citation section {first!r} does not match {case.section!r}"
    return EvalResult(name="section", passed=ok, value=first, reason=reason)


def check_include(case: SuggestCase, s: Suggestion) -> EvalResult | None:
    if not case.include_any:
        return None
    missing = [g for g in case.include_any if not any(phrase_in(p, s.reply) for p in g)]
    reason = "; ".join("none of " + " / ".join(g) for g in missing)
    return EvalResult(
        name="include",
        passed=not missing,
        value=len(case.include_any) - len(missing),
        reason=reason,
    )


def check_exclude(case: SuggestCase, s: Suggestion) -> EvalResult | None:
    if not case.exclude:
        return None
    found: list[str] = []
    for pattern in case.exclude:
        m = re.search(pattern, s.reply)
        if m:
            found.append(f"/{pattern}/ matched {m.group(0)!r}")
    return EvalResult(name="exclude", passed=not found, value=len(found), reason="; ".join(found))


def check_grounded(case: SuggestCase, s: Suggestion) -> EvalResult | None:
    if case.grounded is None:
        return None
    if s.grounded != case.grounded:
        return EvalResult(
            name="grounded",
            passed=False,
            value=s.grounded,
            reason=f"grounded={s.grounded}; want {case.grounded}",
        )
    if not case.grounded and s.citations:
        # The contract: an ungrounded reply cites nothing.
        return EvalResult(
            name="grounded",
            passed=False,
            value=s.grounded,
            reason=f"ungrounded reply cites {len(s.citations)} chunk(s)",
        )
    return EvalResult(name="grounded", passed=True, value=s.grounded)


def check_audience(case: SuggestCase, s: Suggestion) -> EvalResult | None:
    if case.audience is None:
        return None
    ok = s.audience == case.audience
    reason = "" if ok else f"reply is for the {s.audience}; want the {case.audience}"
    return EvalResult(name="audience", passed=ok, value=s.audience, reason=reason)


def check_guard_allowed(case: SuggestCase, s: Suggestion, guard: GuardFn) -> EvalResult:
    """The reply passes the guard: as the pipeline reported it, and re-checked independently
    with the labelled console facts over the resolved ones."""
    facts = case.case.merged_over(s.facts)
    verdict = guard(s.reply, facts)
    rules = sorted({v.rule for v in verdict.violations} | {v.rule for v in s.guard.violations})
    ok = s.guard.allowed and verdict.allowed
    reason = "" if ok else "reply breaks " + ", ".join(rules)
    return EvalResult(name="guard", passed=ok, value=ok, reason=reason)


SUGGEST_CHECKS: tuple[Callable[[SuggestCase, Suggestion], EvalResult | None], ...] = (
    check_citation,
    check_section,
    check_include,
    check_exclude,
    check_grounded,
    check_audience,
)


def evaluate_suggestion(case: SuggestCase, s: Suggestion, guard: GuardFn) -> list[EvalResult]:
    results = [r for check in SUGGEST_CHECKS if (r := check(case, s)) is not None]
    results.append(check_guard_allowed(case, s, guard))
    return results


def evaluate_verdict(case: GuardCase, verdict: Verdict) -> list[EvalResult]:
    """Allowed must match; every expected rule must fire and no other rule may."""
    got = {v.rule for v in verdict.violations}
    want = set(case.rules)
    out = [
        EvalResult(
            name="allowed",
            passed=verdict.allowed == case.allowed,
            value=verdict.allowed,
            reason=""
            if verdict.allowed == case.allowed
            else f"allowed={verdict.allowed}; want {case.allowed}",
        )
    ]
    missing, extra = sorted(want - got), sorted(got - want)
    parts = []
    if missing:
        parts.append("missed " + ", ".join(missing))
    if extra:
        spans = [
            f"{v.rule} on {v.text[:_EXCERPT]!r}" for v in verdict.violations if v.rule in extra
        ]
        parts.append("wrongly flagged " + "; ".join(spans))
    out.append(
        EvalResult(
            name="rules",
            passed=not missing and not extra,
            value=",".join(sorted(got)),
            reason="; ".join(parts),
        )
    )
    return out
