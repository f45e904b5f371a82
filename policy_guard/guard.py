"""``check(draft, case) -> Verdict``: every rule against one draft, deterministically."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policy_guard.canonical import canonical
from policy_guard.checks import FORCED_KINDS, REGISTRY, Check
from policy_guard.detectors.base import Finding
from policy_guard.facts import CaseFacts
from policy_guard.rule_table import Rule, RuleTable, load_rules
from policy_guard.text import NormalText, fold_lookalikes
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
    draft: str, rule: Rule, table: RuleTable, f: Finding, case: CaseFacts, allowed: bool
) -> Violation:
    return Violation(
        rule=rule.id,
        span=(f.start, f.end),
        text=draft[f.start : f.end],
        clause=rule.clause,
        message=_message(rule, table, f, case, allowed),
    )


def _rules_in_order(table: RuleTable) -> list[tuple[Rule, Check]]:
    """Each rule with its detector's check, in the registry's order (claiming checks first)."""
    checks = {c.kind: (i, c) for i, c in enumerate(REGISTRY)}
    ordered = sorted(table.rules, key=lambda r: checks[r.detector][0])
    return [(rule, checks[rule.detector][1]) for rule in ordered]


def views(draft: str) -> list[NormalText]:
    """The readings of the draft the detectors run on: the plain normal form, and the
    canonical reading when it differs (values written to slip past the plain one)."""
    plain = fold_lookalikes(draft)
    deep = canonical(plain)
    return [plain] if deep.text == plain.text else [plain, deep]


def _found(check_: Check, rule: Rule, docs: list[NormalText], facts: CaseFacts) -> list[Finding]:
    """What one check finds in every reading, in the draft's own coordinates."""
    out: list[Finding] = []
    numerals = docs[-1].numerals
    for i, doc in enumerate(docs):
        for f in check_.find(doc, facts, rule):
            start, end = doc.span(f.start, f.end)
            if i == 0 and check_.kind in _READ_WHOLE and _inside(start, end, numerals):
                continue  # 이공이사일일공육-공공일이: the canonical reading reads it whole
            out.append(Finding(start, end, f.kind, f.note))
    return out


# Detector kinds whose plain reading cuts digit words anywhere (a phone found inside a longer
# number written in words); where the canonical reading wrote those numerals as digits, it decides.
_READ_WHOLE = frozenset({"phone"})


def _inside(start: int, end: int, spans: tuple[tuple[int, int], ...]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def scan(
    draft: str, facts: CaseFacts, table: RuleTable | None = None
) -> Iterator[tuple[Rule, Check, list[Finding]]]:
    """Each rule that governs the case, with its check's merged findings (draft coordinates),
    weaker ones hidden by the spans of the checks that claim theirs."""
    table = table or load_rules()
    docs = views(draft)
    claimed: list[tuple[int, int]] = []
    for rule, check_ in _rules_in_order(table):
        if not rule.governs(facts):
            continue
        findings = [
            f
            for f in _found(check_, rule, docs, facts)
            if not any(s < f.end and f.start < e for s, e in claimed)
        ]
        merged = _merge(findings)
        yield rule, check_, merged
        if check_.claims:
            claimed.extend((f.start, f.end) for f in merged)


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
    violations: list[Violation] = []
    for rule, _check, findings in scan(draft, facts, table):
        allowed = rule.allows(facts)
        for f in findings:
            if allowed and f.kind not in FORCED_KINDS:
                continue
            violations.append(_violation(draft, rule, table, f, facts, allowed))
    violations.sort(key=lambda v: (v.span, v.rule))
    return Verdict(allowed=not violations, violations=violations)
