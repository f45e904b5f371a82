"""The playbooks' own customer-facing scripts, each in the case it is written for, must pass the
guard (a guard that blocks the playbook's words is wrong); the scripts that carry a value
template must be blocked outside their case (so the walk is not vacuous).

Scripts are cut from the kb files themselves: a section is found by its heading text, and the
script is the plain paragraph under it (agent-only bold notes skipped), or one table row's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from policy_guard import CaseFacts, check

KB = Path(__file__).resolve().parents[1] / "kb"
PET = "004_2b128af64891507b.txt"
DAERI = "000_4a33bc4c81567f35.txt"
_STOP = ("**", "─", "|", "```", "#")


@dataclass(frozen=True)
class Script:
    source: str
    heading: str  # text of the line the script is under (must occur exactly ``occurrence``+1 times)
    case: dict[str, Any]
    occurrence: int = 0
    with_heading: bool = False  # the heading line is itself customer-facing
    table_row: bool = False  # the script is the last non-empty cell of this table row
    blocked_in: list[tuple[dict[str, Any], str]] = field(default_factory=list)


def _plain(line: str) -> str:
    line = re.sub(r"\*\*|\\_", "", line)
    return line.strip()


def cut_script(s: Script) -> str:
    lines = (KB / s.source).read_text(encoding="utf-8").splitlines()
    at = [i for i, line in enumerate(lines) if s.heading in line]
    assert len(at) > s.occurrence, f"heading not found: {s.heading}"
    start = at[s.occurrence]
    if s.table_row:
        cells = [c.strip() for c in lines[start].strip().strip("|").split("|")]
        return _plain([c for c in cells if c][-1])
    out = [_plain(lines[start])] if s.with_heading else []
    in_bold = lines[start].count("**") % 2 == 1  # a bold heading that goes on to the next line
    for line in lines[start + 1 :]:
        text = line.strip()
        if in_bold:
            in_bold = "**" not in text
            continue
        if not text or text.startswith("---"):
            continue
        if text.startswith(_STOP):
            if out:
                break
            continue  # an agent-only note between the heading and the script
        out.append(_plain(text))
    script = "\n".join(out)
    assert script, f"no script under {s.heading}"
    return script


PET_CASE = {"service": "pet"}
DAERI_CASE = {"service": "daeri", "request": "usage_statement"}

SCRIPTS = [
    Script(PET, "**A2.**", PET_CASE),
    Script(
        PET,
        "**1. 탑승 3일 이내**",
        {**PET_CASE, "ride_status": "completed", "days_since_ride": 2, "history_available": True},
    ),
    Script(
        PET,
        "2. 탑승 3일 이내 (이용기록 삭제 등의 사유로 연락불가)",
        {
            **PET_CASE,
            "request": "driver_phone",
            "ride_status": "completed",
            "days_since_ride": 3,
            "history_available": False,
        },
        blocked_in=[
            ({"ride_status": "completed", "days_since_ride": 4}, "driver-phone"),
            ({"ride_status": "cancelled_after_dispatch", "days_since_ride": 1}, "driver-phone"),
        ],
    ),
    Script(
        PET,
        "① 분실물, 운행 중 사고발생, 운임지급을 위해 필요한 경우",
        {**PET_CASE, "ride_status": "completed", "days_since_ride": 9, "reason": "lost_item"},
    ),
    Script(
        PET,
        "승객 신고로 중단 / 기사 신고로 중단 / 배차 후 취소 등]",
        {**PET_CASE, "ride_status": "stopped_by_driver_report", "days_since_ride": 1},
    ),
    Script(
        PET,
        "② 기타 상황 (정보 제공 기간 경과)",
        {**PET_CASE, "ride_status": "completed", "days_since_ride": 10, "reason": "other"},
    ),
    Script(
        PET,
        "1. 탑승 7일 이내 / 이용기록 확인 안내",
        {**PET_CASE, "ride_status": "completed", "days_since_ride": 6, "history_available": True},
    ),
    Script(
        PET,
        "2. 탑승 7일 이내 / 이용기록 확인 불가시",
        {
            **PET_CASE,
            "request": "vehicle_plate",
            "ride_status": "completed",
            "days_since_ride": 7,
            "history_available": False,
        },
        blocked_in=[
            ({"ride_status": "completed", "days_since_ride": 8}, "vehicle-plate"),
            ({"ride_status": "completed", "days_since_ride": 2}, "vehicle-plate"),
        ],
    ),
    Script(
        PET,
        "① 분실물, 운행 중 사고발생, 운임지급, 맞춤예약을 위해 필요한 경우",
        {
            **PET_CASE,
            "ride_status": "completed",
            "days_since_ride": 12,
            "reason": "custom_reservation",
        },
    ),
    Script(
        PET,
        "**[기사이름, 계좌번호 등]**",
        {**PET_CASE, "request": "driver_name", "driver_name": "이영희"},
    ),
    Script(PET, "[정보제공 가능 기간 경과 - 기본안내]", {**PET_CASE, "days_since_ride": 20}),
    Script(PET, "[지속 요구 시]", {**PET_CASE, "days_since_ride": 20}),
    Script(DAERI, "② 앱 이용기록 확인 안내", DAERI_CASE),
    Script(
        DAERI, "제가 몇 가지 확인 후 신속하게 안내해 드리겠습니다.", DAERI_CASE, with_heading=True
    ),
    Script(DAERI, "본인확인 ", DAERI_CASE),
    Script(DAERI, "본인확인 ", {**DAERI_CASE, "identity_verified": False}),
    Script(DAERI, "발급 필요 정보 확인", {**DAERI_CASE, "identity_verified": True}),
    Script(
        DAERI,
        "이메일 발급 안내",
        {**DAERI_CASE, "identity_verified": True, "alt_recipient": False, "withdrawn": False},
    ),
    Script(
        DAERI,
        "| **채팅** |",
        {**DAERI_CASE, "identity_verified": True, "alt_recipient": True, "channel": "chat"},
        table_row=True,
    ),
    Script(
        DAERI,
        "| **전화** |",
        {**DAERI_CASE, "identity_verified": True, "alt_recipient": True, "channel": "phone"},
        table_row=True,
    ),
    Script(
        DAERI,
        "확인 감사합니다.",
        {
            **DAERI_CASE,
            "identity_verified": True,
            "alt_recipient": True,
            "collection_consent": True,
        },
        with_heading=True,
        blocked_in=[
            ({"identity_verified": False}, "statement-identity"),
            ({"identity_verified": True, "alt_recipient": True}, "statement-consent"),
        ],
    ),
    Script(
        DAERI,
        "| **채팅** |",
        {**DAERI_CASE, "identity_verified": True, "withdrawn": True, "channel": "chat"},
        occurrence=1,
        table_row=True,
    ),
    Script(
        DAERI,
        "| **전화** |",
        {**DAERI_CASE, "identity_verified": True, "withdrawn": True, "channel": "phone"},
        occurrence=1,
        table_row=True,
    ),
    Script(
        DAERI,
        "| 확인 감사합니다.",
        {**DAERI_CASE, "identity_verified": True, "withdrawn": True, "collection_consent": True},
        table_row=True,
        blocked_in=[({"identity_verified": True, "withdrawn": True}, "statement-consent")],
    ),
]


def _id(s: Script) -> str:
    return f"{s.source[:3]}:{s.heading.strip('|* ')[:24]}:{s.occurrence}"


@pytest.mark.parametrize("script", SCRIPTS, ids=_id)
def test_playbook_script_passes_in_its_case(script: Script) -> None:
    text = cut_script(script)
    verdict = check(text, CaseFacts.model_validate(script.case))
    assert verdict.allowed, [(v.rule, v.text) for v in verdict.violations]


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s.blocked_in], ids=_id)
def test_value_scripts_are_blocked_outside_their_case(script: Script) -> None:
    text = cut_script(script)
    for facts, rule in script.blocked_in:
        verdict = check(text, CaseFacts.model_validate(facts))
        assert rule in {v.rule for v in verdict.violations}, facts


def test_scripts_are_real_paragraphs() -> None:
    texts = {_id(s): cut_script(s) for s in SCRIPTS}
    assert "000-0000-0000" in texts[_id(SCRIPTS[2])]
    assert "OO가OOOO" in texts[_id(SCRIPTS[7])]
    assert any("발송해 드릴 예정" in t for t in texts.values())
    assert all(len(t) >= 20 for t in texts.values())
