"""The checks the guard runs, one per kind of value (detector kind), in an explicit registry; each
rule of the table names the kind it is about.

A check finds the places in the draft that its rule is about; the guard then decides, from the
rule table's allow condition and the case, which of them are violations. A finding whose kind is
``other`` (a phone or plate that is not the console's) is a violation even where the rule would
allow the console's value: it discloses somebody else's data or a wrong value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from policy_guard.detectors import (
    account,
    names,
    partial,
    personal_id,
    phone,
    placeholder,
    plate,
    statement,
)
from policy_guard.detectors.base import Finding
from policy_guard.facts import CaseFacts
from policy_guard.rule_table import DetectorKind, Rule, holds
from policy_guard.text import NormalText

FORCED_KINDS = frozenset({"other"})


def _placeholders(doc: NormalText, kind: str) -> list[Finding]:
    """``[연락처]입니다``: a bracketed placeholder offering a value of this kind."""
    return [
        Finding(s, e, "template")
        for s, e, k in placeholder.find_placeholders(doc.text)
        if k == kind
    ]


def _with_placeholders_and_partials(
    found: list[Finding], doc: NormalText, kind: str, *, plate_partials: bool
) -> list[Finding]:
    """A number's findings, plus its placeholders and the bare last digits said to be of it
    (a plate's when the sentence speaks of the vehicle, else a phone's)."""
    parts = partial.find_partials(doc.text)
    return (
        found
        + _placeholders(doc, kind)
        + [Finding(s, e, "partial") for s, e, about_plate in parts if about_plate == plate_partials]
    )


class Check(Protocol):
    """Finds what one rule is about. ``claims``: its findings hide overlapping weaker ones."""

    @property
    def kind(self) -> DetectorKind: ...

    @property
    def claims(self) -> bool: ...

    def find(self, doc: NormalText, case: CaseFacts, rule: Rule) -> list[Finding]: ...


@dataclass(frozen=True)
class PersonalIdCheck:
    kind: DetectorKind = "personal_id"
    claims: bool = True

    def find(self, doc: NormalText, case: CaseFacts, rule: Rule) -> list[Finding]:
        return personal_id.detect(doc.text)


@dataclass(frozen=True)
class AccountCheck:
    kind: DetectorKind = "account"
    claims: bool = True

    def find(self, doc: NormalText, case: CaseFacts, rule: Rule) -> list[Finding]:
        return account.detect(doc.text) + _placeholders(doc, "account")


@dataclass(frozen=True)
class PhoneCheck:
    kind: DetectorKind = "phone"
    claims: bool = False

    def find(self, doc: NormalText, case: CaseFacts, rule: Rule) -> list[Finding]:
        return _with_placeholders_and_partials(
            phone.detect(doc.text, case.driver_phone), doc, "phone", plate_partials=False
        )


@dataclass(frozen=True)
class PlateCheck:
    kind: DetectorKind = "plate"
    claims: bool = False

    def find(self, doc: NormalText, case: CaseFacts, rule: Rule) -> list[Finding]:
        return _with_placeholders_and_partials(
            plate.detect(doc.text, case.vehicle_plate), doc, "plate", plate_partials=True
        )


@dataclass(frozen=True)
class DriverNameCheck:
    kind: DetectorKind = "name"
    claims: bool = False

    def find(self, doc: NormalText, case: CaseFacts, rule: Rule) -> list[Finding]:
        return names.detect(doc.text, case.driver_name) + _placeholders(doc, "name")


@dataclass(frozen=True)
class StatementIdentityCheck:
    kind: DetectorKind = "statement_identity"
    claims: bool = False

    def find(self, doc: NormalText, case: CaseFacts, rule: Rule) -> list[Finding]:
        return list(statement.detect(doc.text, case.request == "usage_statement").promises)


@dataclass(frozen=True)
class StatementConsentCheck:
    """Promises matter here only for a withdrawn customer, another address or the real name."""

    kind: DetectorKind = "statement_consent"
    claims: bool = False

    def find(self, doc: NormalText, case: CaseFacts, rule: Rule) -> list[Finding]:
        found = statement.detect(doc.text, case.request == "usage_statement")
        trigger = rule.applies_when
        by_case = trigger is not None and holds(trigger, case)
        if not (by_case or found.alt_recipient_text):
            return []
        reasons = [fact for fact in ("withdrawn", "alt_recipient") if getattr(case, fact) is True]
        if found.alt_recipient_text:
            reasons.append("text")
        note = ",".join(reasons)
        return [Finding(f.start, f.end, f.kind, note) for f in found.promises]


#: One check per detector kind, run in this order: the checks that claim their spans come before
#: those they hide.
REGISTRY: tuple[Check, ...] = (
    PersonalIdCheck(),
    AccountCheck(),
    PhoneCheck(),
    PlateCheck(),
    DriverNameCheck(),
    StatementIdentityCheck(),
    StatementConsentCheck(),
)
