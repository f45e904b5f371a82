"""``redact(text, case) -> str``: every personal value the guard can read, masked.

For logs, traces and evaluation reports: the text keeps its shape, and each phone number, plate,
account, identity or card number and driver name the guard's own detectors find (in every
spelling they read, the case's own values included) becomes a typed mask such as ``[전화번호]``.
Nothing the case allows is spared: redaction reads the text as if no disclosure were allowed.
Company service numbers are not personal values and stay; so do templates (``000-0000-0000``)
and placeholders, which hold no value.
"""

from __future__ import annotations

from policy_guard.facts import CaseFacts
from policy_guard.guard import scan

# The mask per detector kind, and which mask wins where two overlap (first listed wins). Kinds,
# not rule ids: every rule about a phone (of any service) reads phones alike.
MASKS: dict[str, str] = {
    "personal_id": "[개인정보]",
    "account": "[계좌번호]",
    "phone": "[전화번호]",
    "plate": "[차량번호]",
    "name": "[이름]",
}
_KEEP_KINDS = frozenset({"template"})
_RANK = {rule: i for i, rule in enumerate(MASKS)}


def personal_spans(text: str, case: CaseFacts | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of every personal value in ``text``, overlaps joined."""
    facts = case if case is not None else CaseFacts()
    found = [
        (f.start, f.end, check_.kind)
        for _rule, check_, findings in scan(text, facts)
        if check_.kind in MASKS
        for f in findings
        if f.kind not in _KEEP_KINDS and f.end > f.start
    ]
    out: list[tuple[int, int, str]] = []
    for start, end, rule in sorted(found, key=lambda x: (x[0], -x[1])):
        if out and start < out[-1][1]:
            last_start, last_end, last_rule = out[-1]
            best = min(last_rule, rule, key=lambda r: _RANK[r])
            out[-1] = (last_start, max(last_end, end), best)
        else:
            out.append((start, end, rule))
    return out


def redact(text: str, case: CaseFacts | None = None) -> str:
    """``text`` with each personal value replaced by its typed mask (``[전화번호]``, …)."""
    parts: list[str] = []
    at = 0
    for start, end, rule in personal_spans(text, case):
        parts.append(text[at:start])
        parts.append(MASKS[rule])
        at = end
    parts.append(text[at:])
    return "".join(parts)
