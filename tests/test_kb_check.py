"""``agent-assist kb check``: run as a playbook author runs it (a real process), on the shipped
knowledge base, on the onboarding playbooks, and on playbooks with each kind of error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ingest.playbook_check import check_playbook

REPO = Path(__file__).resolve().parents[1]
PLAYBOOKS = REPO / "tests" / "data" / "playbooks"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "kb", "check", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


def test_the_shipped_knowledge_base_passes() -> None:
    done = _run("kb/")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[기사 연락처 요구][상태값: 운행중, 운행완료] > 2. 탑승 3일 이내" in done.stdout
    assert "slot '000-0000-0000': phone -> rule driver-phone" in done.stdout
    assert "slot 'OO가OOOO': plate -> rule vehicle-plate" in done.stdout


def test_json_report_per_playbook() -> None:
    done = _run("--json", str(REPO / "kb"), str(PLAYBOOKS / "102_taxi_fare_refund.txt"))
    assert done.returncode == 0, done.stdout + done.stderr
    reports = {r["source"]: r for r in json.loads(done.stdout)}
    assert set(reports) == {
        "000_4a33bc4c81567f35.txt",
        "004_2b128af64891507b.txt",
        "102_taxi_fare_refund.txt",
    }
    fare = reports["102_taxi_fare_refund.txt"]
    assert fare["services"] == ["taxi"]
    topics = {tuple(s["conditions"].get("topics", [])) for s in fare["situations"]}
    assert {("duplicate_payment",), ("overcharge",), ("cancel_fee",)} <= topics
    assert fare["indistinguishable"] == []


BAD = """# 퀵 배송 문의

**Q1. 퀵 배송이 늦어요.**

**[배송 지연 보상 요구]**

기사님 연락처는 000-0000-0000입니다.

**1. 접수 후 2일 이내**

조금만 기다려 주세요.

**2. 접수 후 2일 이내 (배송 확인)**

조금만 기다려 주세요. 송장번호는 OOOO-OOO 입니다.
"""


def test_errors_fail_the_check(tmp_path: Path) -> None:
    path = tmp_path / "900_quick.txt"
    path.write_text(BAD, encoding="utf-8")
    done = _run(str(path))
    assert done.returncode == 1
    report = check_playbook(path.name, BAD)
    codes = {p.code for p in report.errors}
    assert codes == {"unknown_request", "indistinguishable", "slot_without_rule"}
    assert report.indistinguishable == [
        (
            "Q1. 퀵 배송이 늦어요. > 1. 접수 후 2일 이내",
            "Q1. 퀵 배송이 늦어요. > 2. 접수 후 2일 이내 (배송 확인)",
        )
    ]
    assert "ERROR [unknown_request]" in done.stdout


def test_a_missing_path_is_a_user_error(tmp_path: Path) -> None:
    done = _run(str(tmp_path / "nope.txt"))
    assert done.returncode == 2
    assert "no such playbook" in done.stderr


def test_fare_playbook_has_no_errors() -> None:
    text = (PLAYBOOKS / "102_taxi_fare_refund.txt").read_text(encoding="utf-8")
    assert check_playbook("102_taxi_fare_refund.txt", text).errors == []


def test_lost_item_playbook_has_no_errors() -> None:
    """Its two windows are hours (하차 후 24시간 이내 / 경과): told apart once hours are read."""
    text = (PLAYBOOKS / "101_taxi_lost_item.txt").read_text(encoding="utf-8")
    assert check_playbook("101_taxi_lost_item.txt", text).errors == []


def test_lost_item_playbook_reads_handover_and_delivery_consent() -> None:
    text = (PLAYBOOKS / "101_taxi_lost_item.txt").read_text(encoding="utf-8")
    report = check_playbook("101_taxi_lost_item.txt", text)
    by_section = {s.section.split(" > ")[-1]: s for s in report.situations}
    assert by_section["[분실물 전달 - 택배]"].conditions["topics"] == ["delivery"]
    assert by_section["[분실물 전달 - 직접 수령]"].conditions["topics"] == ["direct_pickup"]
    assert not [p for p in report.problems if p.code == "personal_data_without_consent"]
    no_consent = text.replace("개인정보 수집 동의가 필요합니다", "정보가 필요합니다")
    again = check_playbook("101_taxi_lost_item.txt", no_consent)
    assert [p.code for p in again.warnings if p.code == "personal_data_without_consent"]


PHONE_IN_TAXI = """# 택시 분실물 문의

**Q1. 택시에 물건을 두고 내렸어요.**

**[기사 연락처 요구][상태값: 운행완료]**

**1. 하차 후 2일 이내 (이용기록 확인 불가)**

기사님 연락처는 000-0000-0000입니다.
"""


def test_a_value_whose_rule_windows_are_another_service_is_reported() -> None:
    report = check_playbook("t.txt", PHONE_IN_TAXI)
    found = [p for p in report.problems if p.code == "disclosure_out_of_scope"]
    assert len(found) == 1 and found[0].level == "warning"
    assert "driver-phone" in found[0].message and "taxi" in found[0].message
    # the same script in a pet playbook is inside the rule's windows
    pet = check_playbook("p.txt", PHONE_IN_TAXI.replace("택시", "펫"))
    assert not [p for p in pet.problems if p.code == "disclosure_out_of_scope"]
