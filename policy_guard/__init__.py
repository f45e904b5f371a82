"""policy_guard: a deterministic check of a reply draft against the playbooks' hard rules and
the facts of the case. Pure: pydantic and PyYAML only, nothing read or compiled at import.

    from policy_guard import CaseFacts, check
    verdict = check("기사님 연락처는 010-1234-5678입니다.", CaseFacts(days_since_ride=6))
    redact("기사님 연락처는 010-1234-5678입니다.")  # "기사님 연락처는 [전화번호]입니다."
"""

from policy_guard.facts import CaseFacts
from policy_guard.guard import check, disclosure_allowed
from policy_guard.redact import redact
from policy_guard.rule_table import Rule, RuleTable, load_rules
from policy_guard.verdict import RuleId, Verdict, Violation

__all__ = [
    "CaseFacts",
    "Rule",
    "RuleId",
    "RuleTable",
    "Verdict",
    "Violation",
    "check",
    "disclosure_allowed",
    "load_rules",
    "redact",
]
