"""The rule table: its own examples (one parametrized table per rule), the allow conditions at
their boundaries, unknown facts, messages and the shared guard cases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from policy_guard import CaseFacts, check, disclosure_allowed, load_rules
from policy_guard.rule_table import RuleTable

TABLE = load_rules()
SHARED_EVALS = Path(__file__).resolve().parents[2] / "shared" / "evals"


def _examples(rule_id: str, which: str) -> list[Any]:
    rule = TABLE.rule(rule_id)
    examples = rule.examples.violating if which == "violating" else rule.examples.compliant
    return [pytest.param(ex, id=f"{which}-{i}") for i, ex in enumerate(examples)]


def _rules_of(draft: str, case: CaseFacts) -> set[str]:
    return {v.rule for v in check(draft, case).violations}


def _assert_examples(rule_id: str, example: Any, violating: bool) -> None:
    verdict = check(example.draft, example.case)
    if violating:
        assert rule_id in {v.rule for v in verdict.violations}, example.note or example.draft
        for v in verdict.violations:
            assert example.draft[v.span[0] : v.span[1]] == v.text
    else:
        assert verdict.allowed, [(v.rule, v.text) for v in verdict.violations]


# One table per rule, read from rules.yaml.
@pytest.mark.parametrize("example", _examples("driver-phone", "violating"))
def test_driver_phone_violating(example: Any) -> None:
    _assert_examples("driver-phone", example, True)


@pytest.mark.parametrize("example", _examples("driver-phone", "compliant"))
def test_driver_phone_compliant(example: Any) -> None:
    _assert_examples("driver-phone", example, False)


@pytest.mark.parametrize("example", _examples("vehicle-plate", "violating"))
def test_vehicle_plate_violating(example: Any) -> None:
    _assert_examples("vehicle-plate", example, True)


@pytest.mark.parametrize("example", _examples("vehicle-plate", "compliant"))
def test_vehicle_plate_compliant(example: Any) -> None:
    _assert_examples("vehicle-plate", example, False)


@pytest.mark.parametrize("example", _examples("driver-name", "violating"))
def test_driver_name_violating(example: Any) -> None:
    _assert_examples("driver-name", example, True)


@pytest.mark.parametrize("example", _examples("driver-name", "compliant"))
def test_driver_name_compliant(example: Any) -> None:
    _assert_examples("driver-name", example, False)


@pytest.mark.parametrize("example", _examples("driver-account", "violating"))
def test_driver_account_violating(example: Any) -> None:
    _assert_examples("driver-account", example, True)


@pytest.mark.parametrize("example", _examples("driver-account", "compliant"))
def test_driver_account_compliant(example: Any) -> None:
    _assert_examples("driver-account", example, False)


@pytest.mark.parametrize("example", _examples("personal-id", "violating"))
def test_personal_id_violating(example: Any) -> None:
    _assert_examples("personal-id", example, True)


@pytest.mark.parametrize("example", _examples("personal-id", "compliant"))
def test_personal_id_compliant(example: Any) -> None:
    _assert_examples("personal-id", example, False)


@pytest.mark.parametrize("example", _examples("statement-identity", "violating"))
def test_statement_identity_violating(example: Any) -> None:
    _assert_examples("statement-identity", example, True)


@pytest.mark.parametrize("example", _examples("statement-identity", "compliant"))
def test_statement_identity_compliant(example: Any) -> None:
    _assert_examples("statement-identity", example, False)


@pytest.mark.parametrize("example", _examples("statement-consent", "violating"))
def test_statement_consent_violating(example: Any) -> None:
    _assert_examples("statement-consent", example, True)


@pytest.mark.parametrize("example", _examples("statement-consent", "compliant"))
def test_statement_consent_compliant(example: Any) -> None:
    _assert_examples("statement-consent", example, False)


def test_every_rule_has_its_tables() -> None:
    names = {name for name in globals() if name.startswith("test_")}
    for rule in TABLE.rules:
        stem = rule.id.replace("-", "_")
        assert {f"test_{stem}_violating", f"test_{stem}_compliant"} <= names


def _shared_guard_cases() -> list[Any]:
    path = SHARED_EVALS / "guard.jsonl"
    if not path.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason="no shared guard.jsonl"))]
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [pytest.param(r, id=r["id"]) for r in rows if "draft" in r]


@pytest.mark.parametrize("row", _shared_guard_cases())
def test_shared_guard_cases(row: dict[str, Any]) -> None:
    verdict = check(row["draft"], CaseFacts.model_validate(row["case"]))
    assert verdict.allowed is row["allowed"]
    assert sorted({v.rule for v in verdict.violations}) == sorted(row["rules"])


# Boundaries: "N일 이내" means days <= N.
PHONE = "기사님 연락처는 010-8765-4321입니다."
PLATE = "차량번호는 56다7890입니다."


@pytest.mark.parametrize(("days", "allowed"), [(0, True), (3, True), (4, False), (30, False)])
@pytest.mark.parametrize("status", ["in_progress", "completed"])
def test_phone_window_boundary(days: int, allowed: bool, status: str) -> None:
    case = CaseFacts(ride_status=status, days_since_ride=days, history_available=False)  # type: ignore[arg-type]
    assert disclosure_allowed("driver-phone", case) is allowed
    assert ("driver-phone" not in _rules_of(PHONE, case)) is allowed


@pytest.mark.parametrize(("days", "allowed"), [(0, True), (7, True), (8, False), (40, False)])
def test_plate_window_boundary(days: int, allowed: bool) -> None:
    case = CaseFacts(ride_status="completed", days_since_ride=days, history_available=False)
    assert disclosure_allowed("vehicle-plate", case) is allowed
    assert ("vehicle-plate" not in _rules_of(PLATE, case)) is allowed


@pytest.mark.parametrize(
    "facts",
    [
        {"ride_status": "completed", "history_available": False},  # days unknown
        {"ride_status": "completed", "days_since_ride": 1},  # history unknown
        {"days_since_ride": 1, "history_available": False},  # status unknown
        {"ride_status": "completed", "days_since_ride": 1, "history_available": True},
        {
            "ride_status": "cancelled_after_dispatch",
            "days_since_ride": 0,
            "history_available": False,
        },
        {"ride_status": "completed", "days_since_ride": 1, "driver_consent": False},
    ],
)
def test_unknown_or_failing_facts_are_restrictive(facts: dict[str, Any]) -> None:
    case = CaseFacts.model_validate(facts)
    assert "driver-phone" in _rules_of(PHONE, case)
    assert "vehicle-plate" in _rules_of(PLATE, case)


def test_plate_window_needs_a_completed_ride() -> None:
    case = CaseFacts(ride_status="in_progress", days_since_ride=0, history_available=False)
    assert "vehicle-plate" in _rules_of(PLATE, case)
    assert "driver-phone" not in _rules_of(PHONE, case)


def test_driver_consent_opens_phone_and_plate_but_not_name_or_account() -> None:
    case = CaseFacts(driver_consent=True, days_since_ride=30, driver_name="이영희")
    assert disclosure_allowed("driver-phone", case)
    assert disclosure_allowed("vehicle-plate", case)
    for rule_id in ("driver-name", "driver-account", "personal-id"):
        assert not disclosure_allowed(rule_id, case)
    assert _rules_of("이영희 기사님 우리은행 1002-345-678901", case) == {
        "driver-name",
        "driver-account",
    }


def test_exceptions_alone_do_not_open_disclosure() -> None:
    for reason in ("lost_item", "accident", "unpaid_fare", "custom_reservation"):
        case = CaseFacts.model_validate(
            {"ride_status": "completed", "days_since_ride": 9, "reason": reason}
        )
        assert "driver-phone" in _rules_of(PHONE, case)
        assert "vehicle-plate" in _rules_of(PLATE, case)


def test_statement_consent_applies_by_case_or_by_text() -> None:
    promise = "이용내역서는 요청하신 이메일 주소로 발송해 드릴 예정이에요."
    verified = {"identity_verified": True}
    assert _rules_of(promise, CaseFacts.model_validate(verified)) == set()
    for trigger in ("withdrawn", "alt_recipient"):
        case = CaseFacts.model_validate({**verified, trigger: True})
        assert _rules_of(promise, case) == {"statement-consent"}
        consented = CaseFacts.model_validate(
            {**verified, trigger: True, "collection_consent": True}
        )
        assert _rules_of(promise, consented) == set()
    both = CaseFacts.model_validate({"withdrawn": True})
    assert _rules_of(promise, both) == {"statement-identity", "statement-consent"}


def test_message_names_the_deciding_facts_and_clause() -> None:
    case = CaseFacts(ride_status="completed", days_since_ride=6)
    (v,) = check(PHONE, case).violations
    assert v.clause == TABLE.rule("driver-phone").clause
    assert "6일" in v.message and "3일 이내 아님" in v.message
    assert "이용기록" in v.message and "미확인" in v.message
    assert v.span == (PHONE.index("010"), PHONE.index("010") + len("010-8765-4321"))


def test_mapping_case_is_validated_strictly() -> None:
    assert check(PHONE, {"days_since_ride": 1}).allowed is False
    with pytest.raises(ValidationError):
        check(PHONE, {"days": 1})
    with pytest.raises(ValidationError):
        check(PHONE, {"days_since_ride": "1"})


def test_table_rejects_a_rule_without_examples_or_with_a_bad_condition() -> None:
    raw = TABLE.model_dump(mode="json", by_alias=True, exclude_none=True)
    broken = json.loads(json.dumps(raw))
    broken["rules"][0]["examples"]["violating"] = []
    with pytest.raises(ValidationError):
        RuleTable.model_validate(broken)
    broken = json.loads(json.dumps(raw))
    broken["rules"][0]["allow"] = {"fact": "days_since_ride", "le": 3, "eq": True}
    with pytest.raises(ValidationError):
        RuleTable.model_validate(broken)
    broken = json.loads(json.dumps(raw))
    broken["rules"] = broken["rules"][1:]
    with pytest.raises(ValidationError):
        RuleTable.model_validate(broken)
    # The dumped table, read back as YAML, is the same table.
    assert (
        RuleTable.model_validate(yaml.safe_load(yaml.safe_dump(raw, allow_unicode=True))) == TABLE
    )
