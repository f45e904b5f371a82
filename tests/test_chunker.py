"""Structure-aware chunking of the shipped playbooks (other services' styles and arbitrary text:
test_chunker_styles.py)."""

from __future__ import annotations

import re

import pytest

from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from ingest.markup import strip_markup
from tests.conftest import KB_DIR

PET = "004_2b128af64891507b.txt"
DAERI = "000_4a33bc4c81567f35.txt"
#: A bold line that opens a numbered or circled situation.
SITUATION_LINE = re.compile(r"^\s*\*\*+\s*(?:\d{1,2}\.\s|[①-⑳])", re.MULTILINE)


def load(name: str) -> tuple[str, list[Chunk]]:
    text = (KB_DIR / name).read_text(encoding="utf-8")
    return text, chunk_document(name, text)


@pytest.fixture(scope="module")
def pet() -> list[Chunk]:
    return load(PET)[1]


@pytest.fixture(scope="module")
def daeri() -> list[Chunk]:
    return load(DAERI)[1]


def one(chunks: list[Chunk], *parts: str) -> Chunk:
    """The one chunk whose section contains every part, the last one in its last heading."""
    found = [c for c in chunks if all(p in c.section for p in parts)]
    found = [c for c in found if parts[-1] in c.section.split(" > ")[-1]]
    assert len(found) == 1, [c.section for c in found]
    return found[0]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", strip_markup(text))


# --- the 펫 playbook -------------------------------------------------------------------------


def test_pet_phone_within_three_days(pet: list[Chunk]) -> None:
    c = one(pet, "[기사 연락처 요구]", "1. 탑승 3일 이내")
    assert c.kind == "script"
    assert c.conditions.days_max == 3 and c.conditions.days_min is None
    assert {"driver_phone"} <= set(c.conditions.requests)
    assert set(c.conditions.ride_statuses) == {"in_progress", "completed"}
    assert c.conditions.history_available is True  # the sibling is the "기록 삭제" case
    assert "[기사님께 전화]" in c.script
    assert "000-0000-0000" not in c.script


def test_pet_phone_when_history_deleted_gives_the_number(pet: list[Chunk]) -> None:
    c = one(pet, "[기사 연락처 요구]", "2. 탑승 3일 이내 (이용기록 삭제")
    assert c.conditions.history_available is False
    assert c.conditions.days_max == 3
    assert "000-0000-0000" in c.script


def test_pet_phone_after_three_days_is_safe_call_or_refusal(pet: list[Chunk]) -> None:
    safe = one(pet, "3. 탑승 3일 이후 ~ 14일 이내", "① 분실물")
    assert (safe.conditions.days_min, safe.conditions.days_max) == (4, 14)
    assert set(safe.conditions.reasons) == {"lost_item", "accident", "unpaid_fare"}
    assert "안심연결" in safe.script and "000-0000-0000" not in safe.script
    other = one(pet, "3. 탑승 3일 이후 ~ 14일 이내", "② 기타 상황")
    assert other.conditions.fallback
    assert set(other.conditions.reasons_excluded) == {"lost_item", "accident", "unpaid_fare"}
    assert "동의 없이" in other.script


def test_pet_cancelled_status_block(pet: list[Chunk]) -> None:
    c = one(pet, "[기사 연락처 요구]", "[상태값: 승객 신고로 중단")
    assert set(c.conditions.ride_statuses) == {
        "stopped_by_passenger_report",
        "stopped_by_driver_report",
        "cancelled_after_dispatch",
    }
    assert c.conditions.requests == ["driver_phone"]
    assert "취소된 상태" in c.script


def test_pet_plate_sections(pet: list[Chunk]) -> None:
    expected = (
        "Q1. 기사 개인정보 알려주세요. > [차량번호 요구] [상태값: 운행완료] > 2. 탑승 7일 이내 / "
        "이용기록 확인 불가시(핸드폰 분실, 이용기록 삭제등의 사유)"
    )
    given_plate = next(c for c in pet if c.section == expected)
    assert given_plate.conditions.requests == ["vehicle_plate"]
    assert given_plate.conditions.ride_statuses == ["completed"]
    assert given_plate.conditions.days_max == 7
    assert given_plate.conditions.history_available is False
    assert "OO가OOOO" in given_plate.script
    guided = one(pet, "[차량번호 요구]", "1. 탑승 7일 이내")
    assert guided.conditions.history_available is True
    assert "OO가OOOO" not in guided.script
    late = one(pet, "[차량번호 요구]", "3. 탑승 7일 이후", "①")
    assert late.conditions.days_min == 8
    assert set(late.conditions.reasons) >= {
        "lost_item",
        "accident",
        "unpaid_fare",
        "custom_reservation",
    }
    assert "OO가OOOO" not in late.script and "동의" in late.script


def test_pet_name_account_and_q2(pet: list[Chunk]) -> None:
    c = one(pet, "[기사이름, 계좌번호 등]")
    assert set(c.conditions.requests) == {"driver_name", "driver_account"}
    assert "OOO" in c.script
    basic = one(pet, "Q2.", "[정보제공 가능 기간 경과 - 기본안내]")
    assert basic.conditions.fallback
    assert "completed" not in basic.conditions.ride_statuses
    assert set(basic.conditions.reasons_excluded) == {"lost_item", "accident", "unpaid_fare"}
    insist = one(pet, "Q2.", "[지속 요구 시]")
    assert insist.conditions.persistent and not insist.conditions.fallback
    assert "제3자" in insist.script


def test_pet_kinds(pet: list[Chunk]) -> None:
    assert one(pet, "목차").kind == "title"
    policy = one(pet, "[정책 및 참고사항]")
    assert policy.kind == "policy" and policy.script == ""
    notes = [c for c in pet if c.section.endswith("상담유형")]
    assert len(notes) == 2 and all(c.kind == "note" and not c.script for c in notes)
    ask = next(c for c in pet if c.section == "Q1. 기사 개인정보 알려주세요.")
    assert ask.kind == "script" and ask.script.endswith("있으실까요?")


# --- the 대리 playbook ------------------------------------------------------------------------


def test_daeri_case_one_is_the_default_guidance(daeri: list[Chunk]) -> None:
    c = one(daeri, "[case 1]", "② 앱 이용기록 확인 안내")
    assert c.conditions.requests == ["usage_statement"]
    assert c.conditions.fallback
    assert "[내 탑승 기록]" in c.script


def test_daeri_steps_are_chosen_by_identity(daeri: list[Chunk]) -> None:
    check = one(daeri, "[case 2]", "③ 본인확인")
    assert check.section.endswith("③ 본인확인")  # the ※ remark and the link are not in it
    assert check.conditions.identity_required is True
    assert check.conditions.identity_verified is False
    assert "본인이십니까?" in check.script
    assert "발송해 드릴 예정" not in check.script and "탈퇴고객" not in check.script
    for step in ("④ 발급 필요 정보 확인", "⑤ 이메일 발급 안내"):
        later = [c for c in daeri if c.section.endswith(step)]
        assert later and all(c.conditions.identity_verified is True for c in later)


def test_daeri_consent_rows_are_separate_per_channel(daeri: list[Chunk]) -> None:
    rows = [c for c in daeri if c.conditions.alt_recipient and c.conditions.channel]
    assert sorted(c.conditions.channel or "" for c in rows) == ["chat", "phone"]
    assert all(c.conditions.collection_consent is False for c in rows)
    assert all("[성함, 이메일주소]" in c.script and "|" not in c.script for c in rows)
    assert rows[0].start != rows[1].start
    closing = [
        c
        for c in daeri
        if c.section.endswith("⑤ 이메일 발급 안내") and c.conditions.collection_consent
    ]
    assert len(closing) == 1 and "발송해 드릴 예정" in closing[0].script


def test_daeri_withdrawn_customers(daeri: list[Chunk]) -> None:
    withdrawn = [c for c in daeri if "[탈퇴고객]" in c.section]
    assert withdrawn and all(c.conditions.withdrawn is True for c in withdrawn)
    assert {c.conditions.channel for c in withdrawn} == {"chat", "phone", None}
    assert all("생년월일" in c.script for c in withdrawn if c.conditions.channel)
    after = [c for c in withdrawn if c.conditions.channel is None]
    assert after[0].conditions.collection_consent is True
    assert "usage_statement" in after[0].conditions.requests
    assert not any(r.startswith("driver_") for c in withdrawn for r in c.conditions.requests)


def test_daeri_notes_and_policy(daeri: list[Chunk]) -> None:
    assert one(daeri, "1. 상담유형").kind == "note"
    assert one(daeri, "2. 응대순서").kind == "note"
    assert one(daeri, "3. 주의사항").kind == "policy"
    assert one(daeri, "⑥ 아지트 작성").kind == "note"
    assert one(daeri, "목차").kind == "title"


# --- properties of both playbooks -----------------------------------------------------------


@pytest.mark.parametrize("name", [PET, DAERI])
def test_offsets_map_back_to_the_source(name: str) -> None:
    text, chunks = load(name)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    previous_end = 0
    for c in chunks:
        assert previous_end <= c.start < c.end <= len(text)
        previous_end = c.end
        region = squash(text[c.start : c.end])
        for line in c.script.splitlines():
            assert squash(line) in region, (c.section, line)


@pytest.mark.parametrize("name", [PET, DAERI])
def test_one_situation_per_chunk_and_headings_open_their_chunk(name: str) -> None:
    text, chunks = load(name)
    for c in chunks:
        region = text[c.start : c.end]
        assert len(SITUATION_LINE.findall(region)) <= 1, c.section
        last = region.rstrip().splitlines()[-1]
        if c.kind == "script":
            assert not SITUATION_LINE.match(last), c.section  # a heading never ends a chunk


@pytest.mark.parametrize("name", [PET, DAERI])
def test_scripts_are_ready_to_send(name: str) -> None:
    _, chunks = load(name)
    for c in chunks:
        assert (c.kind == "script") == bool(c.script), c.section
        assert "**" not in c.script and "http" not in c.script and "\\_" not in c.script
        assert "─" not in c.script and "```" not in c.script
        for line in c.script.splitlines():
            assert not line.lstrip().startswith(("ㄴ", "※", "|")), (c.section, line)
        assert "**" not in c.section and "\\_" not in c.section and "  " not in c.section
        assert c.text.startswith(chunks[0].text.splitlines()[0]) or c.kind == "title"
        assert c.section in c.text


@pytest.mark.parametrize("name", [PET, DAERI])
def test_opposite_actions_never_share_a_chunk(name: str) -> None:
    _, chunks = load(name)
    for c in chunks:
        gives_phone = "000-0000-0000" in c.script
        gives_plate = "OO가OOOO" in c.script
        assert not (gives_phone and ("안심연결" in c.script or "동의 없이" in c.script))
        assert not (gives_plate and "이용기록을 통해" in c.script)
        assert not ("본인이십니까" in c.script and "발송해 드릴 예정" in c.script)


def test_a_step_sequence_opens_with_its_lead_in(daeri: list[Chunk]) -> None:
    check = one(daeri, "[case 2]", "③ 본인확인")
    assert check.script.startswith("제가 몇 가지 확인 후 신속하게 안내해 드리겠습니다.")
    assert not [c for c in daeri if c.section.endswith("- 이메일 발송 안내")]


def test_a_status_block_drops_the_day_window_of_other_statuses(pet: list[Chunk]) -> None:
    c = one(pet, "[기사 연락처 요구]", "[상태값: 승객 신고로 중단")
    assert (c.conditions.days_min, c.conditions.days_max) == (None, None)
    assert set(c.conditions.reasons) == {"lost_item", "accident", "unpaid_fare"}


@pytest.mark.parametrize("name", [PET, DAERI])
def test_chunks_survive_the_store_metadata_round_trip(name: str) -> None:
    _, chunks = load(name)
    for c in chunks:
        meta = c.to_metadata()
        assert all(isinstance(v, str | int | float | bool) for v in meta.values())
        assert Chunk.from_metadata(c.text, meta) == c
    assert len({c.id for c in chunks}) == len(chunks)
