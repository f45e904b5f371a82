"""Rules as data: every rule's YAML examples as a test table, per-service scope of the disclosure
windows, and a new rule about an existing kind of value added as YAML only."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policy_guard import CaseFacts, check, disclosure_allowed, load_rules
from policy_guard.rule_table import RuleDataError, parse_rules

TABLE = load_rules()
RULES_FILE = Path(__file__).resolve().parents[1] / "policy_guard" / "rules.yaml"


def _table(violating: bool) -> list[object]:
    which = "violating" if violating else "compliant"
    return [
        pytest.param(rule.id, ex, id=f"{rule.id}-{which}-{i}")
        for rule in TABLE.rules
        for i, ex in enumerate(getattr(rule.examples, which))
    ]


@pytest.mark.parametrize(("rule_id", "example"), _table(violating=True))
def test_violating_example_breaks_its_rule(rule_id: str, example: object) -> None:
    verdict = check(example.draft, example.case)  # type: ignore[attr-defined]
    assert rule_id in {v.rule for v in verdict.violations}


@pytest.mark.parametrize(("rule_id", "example"), _table(violating=False))
def test_compliant_example_passes(rule_id: str, example: object) -> None:
    verdict = check(example.draft, example.case)  # type: ignore[attr-defined]
    assert verdict.allowed, verdict.violations


@pytest.mark.parametrize(
    ("rule_id", "draft"),
    [
        ("driver-phone", "기사님 연락처는 010-8765-4321입니다."),
        ("vehicle-plate", "차량번호는 56다7890입니다."),
    ],
)
def test_the_pet_windows_are_the_pet_playbooks(rule_id: str, draft: str) -> None:
    window = {"ride_status": "completed", "days_since_ride": 2, "history_available": False}
    pet = CaseFacts(service="pet", **window)
    taxi = CaseFacts(service="taxi", **window)
    assert disclosure_allowed(rule_id, pet)
    assert check(draft, pet).allowed
    assert not disclosure_allowed(rule_id, taxi)
    assert rule_id in {v.rule for v in check(draft, taxi).violations}
    consented = CaseFacts(service="taxi", driver_consent=True, **window)
    assert check(draft, consented).allowed
    # A case that names no service keeps the spec's reading.
    assert disclosure_allowed(rule_id, CaseFacts(**window))


NEW_RULE = {
    "id": "quick-recipient-phone",
    "detector": "phone",
    "title": "퀵 수령인 연락처",
    "clause": "퀵 배송 정책",
    "message": "퀵 배송 중에는 전화번호를 배송 중인 건에만 안내합니다",
    "services": ["quick"],
    "allow": {"fact": "ride_status", "eq": "in_progress"},
    "examples": {
        "violating": [{"draft": "번호는 010-2222-3333입니다.", "case": {"service": "quick"}}],
        "compliant": [{"draft": "배송 중인 건을 확인했어요.", "case": {"service": "quick"}}],
    },
}


def test_a_new_rule_with_an_existing_detector_is_yaml_only() -> None:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    data["rules"].append(NEW_RULE)
    table = parse_rules(yaml.safe_dump(data, allow_unicode=True), "rules.yaml")
    draft = "수령인 번호는 010-2222-3333입니다."
    quick = check(draft, {"service": "quick", "ride_status": "completed"}, table=table)
    assert "quick-recipient-phone" in {v.rule for v in quick.violations}
    taxi = check(draft, {"service": "taxi", "ride_status": "completed"}, table=table)
    assert "quick-recipient-phone" not in {v.rule for v in taxi.violations}
    assert "driver-phone" in {v.rule for v in taxi.violations}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["rules"].append(dict(NEW_RULE, id="driver-phone")),
            "id listed twice: driver-phone",
        ),
        (
            lambda d: d["rules"].append(dict(NEW_RULE, detector="email")),
            "rules[7] (quick-recipient-phone).detector",
        ),
        (
            lambda d: d["rules"].append(dict(NEW_RULE, id="Quick Phone")),
            "rules[7] (Quick Phone).id",
        ),
        (lambda d: d.__setitem__("rules", d["rules"][1:]), "missing: driver-phone"),
    ],
)
def test_rule_data_errors_name_file_rule_and_problem(edit: object, message: str) -> None:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    with pytest.raises(RuleDataError) as err:
        parse_rules(yaml.safe_dump(data, allow_unicode=True), "policy_guard/rules.yaml")
    assert "policy_guard/rules.yaml" in str(err.value)
    assert message in str(err.value)
