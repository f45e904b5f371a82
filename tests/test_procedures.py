"""Procedures (응대순서) read from the playbooks' own structure, and the next-step choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import KB_DIR

from ingest.chunker import chunk_document
from ingest.procedures import Procedure, facts_named, read_procedures
from policy_guard.facts import CaseFacts
from rag.conversation.steps import next_step

DATA = Path(__file__).parent / "data" / "procedure_kb"


def _procedures(path: Path) -> list[Procedure]:
    return read_procedures(chunk_document(path.name, path.read_text(encoding="utf-8")))


def _playbook(prefix: str) -> Path:
    return next(KB_DIR.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="module")
def daeri() -> Procedure:
    (proc,) = _procedures(_playbook("000"))
    return proc


def test_daeri_statement_procedure_steps(daeri: Procedure) -> None:
    assert [s.label for s in daeri.steps] == [
        "③ 본인확인",
        "④ 발급 필요 정보 확인",
        "⑤ 이메일 발급 안내",
        "⑥ 아지트 작성",
    ]
    by = {s.number: s for s in daeri.steps}
    assert by[3].establishes == ("identity_verified",)
    assert set(by[4].establishes) == {"purpose", "app", "include_cancelled", "period"}
    assert by[5].establishes == ("recipient",)
    # The consent is needed for another address / the real name, and for a withdrawn customer.
    assert set(by[5].establishes_when["collection_consent"]) == {"alt_recipient", "withdrawn"}
    assert by[6].handoff == "agit_ticket"
    assert by[6].handoff_title == "이용내역서(긴급 복지 지원) 발급 요청"
    assert "identity_verified" in by[4].needs and "recipient" in by[6].needs
    assert daeri.requests == ("usage_statement",)
    # The [탈퇴고객] consent section serves the conditional consent of step ⑤.
    assert daeri.extra_chunk_ids["collection_consent"]


def test_pet_playbook_has_no_procedure() -> None:
    # Its numbered ①/② are alternative situations, and it names no 응대순서.
    assert _procedures(_playbook("004")) == []


def test_synthetic_playbook_of_another_service() -> None:
    (proc,) = _procedures(DATA / "100_bike_deposit.txt")
    assert [s.label for s in proc.steps] == ["① 본인확인", "② 환불 필요 정보 확인", "③ 아지트 작성"]
    assert proc.steps[0].establishes == ("identity_verified",)
    assert set(proc.steps[1].establishes) == {"purpose", "app", "period"}
    assert proc.steps[2].handoff == "agit_ticket"
    assert proc.steps[2].handoff_title == "바이크 보증금 환불 요청"


def test_numbered_paragraphs_without_a_procedure_marker_are_not_steps(tmp_path: Path) -> None:
    text = (DATA / "100_bike_deposit.txt").read_text(encoding="utf-8").replace("응대순서", "안내")
    path = tmp_path / "101_plain.txt"
    path.write_text(text, encoding="utf-8")
    assert _procedures(path) == []


@pytest.mark.parametrize(
    ("facts", "slots", "expected", "done"),
    [
        ({}, {}, "③ 본인확인", []),
        ({"identity_verified": False}, {}, "③ 본인확인", []),
        ({"identity_verified": True}, {"purpose": "법원"}, "④ 발급 필요 정보 확인", ["③ 본인확인"]),
        (
            {"identity_verified": True},
            {"purpose": "법원", "app": "모두", "include_cancelled": "무", "period": "1월~3월"},
            "⑤ 이메일 발급 안내",
            ["③ 본인확인", "④ 발급 필요 정보 확인"],
        ),
        (
            {"identity_verified": True, "alt_recipient": True},
            {
                "purpose": "법원",
                "app": "모두",
                "include_cancelled": "무",
                "period": "1월~3월",
                "recipient": "다른 이메일",
            },
            "⑤ 이메일 발급 안내",  # another address: the consent is still missing
            ["③ 본인확인", "④ 발급 필요 정보 확인"],
        ),
        (
            {"identity_verified": True, "alt_recipient": True, "collection_consent": True},
            {
                "purpose": "법원",
                "app": "모두",
                "include_cancelled": "무",
                "period": "1월~3월",
                "recipient": "다른 이메일",
            },
            "⑥ 아지트 작성",
            ["③ 본인확인", "④ 발급 필요 정보 확인", "⑤ 이메일 발급 안내"],
        ),
    ],
)
def test_next_step_is_the_first_not_done(
    daeri: Procedure,
    facts: dict[str, object],
    slots: dict[str, str],
    expected: str,
    done: list[str],
) -> None:
    choice = next_step(daeri, CaseFacts.model_validate(facts), slots)
    assert choice.step.label == expected
    assert list(choice.done) == done


def test_checklist_labels_name_their_facts() -> None:
    assert facts_named("발급요청 기간") == ["period"]
    assert facts_named("발급 필요사유 또는 제출처") == ["purpose"]
    assert facts_named("호출 앱") == ["app"]
