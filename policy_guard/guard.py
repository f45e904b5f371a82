"""``check(draft, case) -> Verdict``: every rule against one draft, deterministically."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from policy_guard.checks import FORCED_KINDS, REGISTRY, Check
from policy_guard.detectors.base import Finding
from policy_guard.facts import CaseFacts
from policy_guard.rule_table import Rule, RuleTable, load_rules
from policy_guard.text import NormalText, normalize
from policy_guard.verdict import RuleId, Verdict, Violation

_KIND_TEXT = {
    "template": "자리표시자로 값 안내를 제안함",
    "masked": "일부 가린 이름도 이름임",
    "partial": "번호의 일부(뒷자리)도 번호임",
    "console": "콘솔의 값과 일치",
    "other": "콘솔의 값과 다른 값(다른 사람의 정보이거나 잘못된 값)",
}


_APPLIES_TEXT = {
    "withdrawn": "탈퇴고객",
    "alt_recipient": "다른 이메일·성함으로 발급 요청",
    "text": "초안이 다른 이메일·성함 발급을 약속함",
}


def disclosure_allowed(rule_id: RuleId | str, case: CaseFacts) -> bool:
    """May a reply carry what ``rule_id`` protects, in this case? (``never`` rules: no.)"""
    rule = load_rules().rule(rule_id)
    return not rule.governs(case) or rule.allows(case)


def _as_case(case: CaseFacts | Mapping[str, Any] | None) -> CaseFacts:
    if case is None:
        return CaseFacts()
    if isinstance(case, CaseFacts):
        return case
    return CaseFacts.model_validate(dict(case))


def _merge(findings: list[Finding]) -> list[Finding]:
    """Overlapping findings of one rule become one (the first one's kind and note)."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if out and f.start < out[-1].end:
            last = out[-1]
            kind = last.kind if last.kind in FORCED_KINDS or f.kind not in FORCED_KINDS else f.kind
            out[-1] = Finding(last.start, max(last.end, f.end), kind, last.note)
        else:
            out.append(f)
    return out


def _message(rule: Rule, table: RuleTable, finding: Finding, case: CaseFacts, allowed: bool) -> str:
    parts = [rule.message]
    if finding.kind in _KIND_TEXT:
        parts.append(_KIND_TEXT[finding.kind])
    if not allowed:
        parts.append(f"이 건: {table.describe_failure(rule.allow_for(case), case)}")
    applies = [_APPLIES_TEXT[n] for n in finding.note.split(",") if n in _APPLIES_TEXT]
    if applies:
        parts.append("적용 이유: " + ", ".join(applies))
    return ". ".join(parts)


def _violation(
    doc: NormalText, rule: Rule, table: RuleTable, f: Finding, case: CaseFacts, allowed: bool
) -> Violation:
    start, end = doc.span(f.start, f.end)
    return Violation(
        rule=rule.id,
        span=(start, end),
        text=doc.original[start:end],
        clause=rule.clause,
        message=_message(rule, table, f, case, allowed),
    )


def _rules_in_order(table: RuleTable) -> list[tuple[Rule, Check]]:
    """Each rule with its detector's check, in the registry's order (claiming checks first)."""
    checks = {c.kind: (i, c) for i, c in enumerate(REGISTRY)}
    ordered = sorted(table.rules, key=lambda r: checks[r.detector][0])
    return [(rule, checks[rule.detector][1]) for rule in ordered]


def check(
    draft: str, case: CaseFacts | Mapping[str, Any] | None = None, table: RuleTable | None = None
) -> Verdict:
    """Judge ``draft`` against every hard rule, given what is known about the case.

    Violations are ordered by their place in the draft. A mapping for ``case`` is validated as
    ``CaseFacts`` (unknown fields and wrong types raise ``pydantic.ValidationError``). ``table``:
    another rule table (default: the packaged ``rules.yaml``).
    """
    facts = _as_case(case)
    table = table or load_rules()
    doc = normalize(draft)
    claimed: list[tuple[int, int]] = []
    violations: list[Violation] = []
    for rule, check_ in _rules_in_order(table):
        if not rule.governs(facts):
            continue
        allowed = rule.allows(facts)
        findings = [
            f
            for f in check_.find(doc, facts, rule)
            if not any(s < f.end and f.start < e for s, e in claimed)
        ]
        for f in _merge(findings):
            if allowed and f.kind not in FORCED_KINDS:
                continue
            violations.append(_violation(doc, rule, table, f, facts, allowed))
            if check_.claims:
                claimed.append((f.start, f.end))
    violations.sort(key=lambda v: (v.span, v.rule))
    return Verdict(allowed=not violations, violations=violations)
