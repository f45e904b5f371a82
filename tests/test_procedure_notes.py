"""Where a single question says the procedure stands: the step-done reading of a note, the step
it moves to, and the hand-off guidance for the agent (rag/procedure_notes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import KB_DIR

from core.errors import ConfigError
from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from ingest.procedures import NoteVocabulary, Procedure, load_vocabulary, read_procedures
from policy_guard import check
from policy_guard.facts import CaseFacts
from rag.procedure_notes import locate, read_note, step_names

BIKE = Path(__file__).parent / "data" / "procedure_kb" / "100_bike_deposit.txt"
STATEMENT = CaseFacts(service="daeri", request="usage_statement")
VERIFIED = STATEMENT.model_copy(update={"identity_verified": True})


def _load(path: Path) -> tuple[Procedure, dict[str, Chunk]]:
    chunks = chunk_document(path.name, path.read_text(encoding="utf-8"))
    (proc,) = read_procedures(chunks)
    return proc, {c.id: c for c in chunks}


@pytest.fixture(scope="module")
def daeri() -> tuple[Procedure, dict[str, Chunk]]:
    return _load(next(KB_DIR.glob("000_*.txt")))


@pytest.fixture(scope="module")
def bike() -> tuple[Procedure, dict[str, Chunk]]:
    return _load(BIKE)


def _script(proc: Procedure, number: int, chunks: dict[str, Chunk]) -> Chunk:
    step = next(s for s in proc.steps if s.number == number)
    return next(chunks[i] for i in step.chunk_ids if chunks[i].kind == "script")


def test_step_names_come_from_the_label(daeri: tuple[Procedure, dict[str, Chunk]]) -> None:
    proc, _ = daeri
    plain = load_vocabulary().notes.plain_words  # type: ignore[union-attr]
    names = {s.number: step_names(s, plain) for s in proc.steps}
    assert names[3][1:] == [r"본\s*인\s*확\s*인"]
    assert r"필\s*요\s*정\s*보" in names[4] and r"발\s*급\s*필\s*요\s*정\s*보" in names[4]
    assert names[6][1:] == [r"아\s*지\s*트"]  # "작성" is a plain word
    assert all(n[0].startswith(r"(?<![\d.~/-])") for n in names.values())  # the step's mark


# (note, steps read as done, hand-off fields read as settled)
NOTES: list[tuple[str, set[int], set[str]]] = [
    ("본인 확인은 끝났고 발급 필요 정보도 확인 완료", {3, 4}, set()),
    ("필요정보 전부 받음", {4}, set()),
    ("제출 사유, 호출 앱, 기간 체크했어요", set(), {"purpose", "app", "period"}),
    ("사유/앱/취소내역/기간 모두 O", set(), {"purpose", "app", "include_cancelled", "period"}),
    ("용도는 보험 청구, 대리앱, 취소는 빼고, 최근 3개월", set(), {"purpose", "app"}),
    ("필요 정보 아직 못 받았어요", set(), set()),
    ("본인확인은 아직이에요, 필요 정보부터 물어볼까요", set(), set()),
    ("필요 정보 요청했는데 답이 없어요", set(), set()),
    # a step's own mark, and "까지": every step up to it
    ("④까지 완료했어요", {3, 4}, set()),
    ("3단계 끝", {3}, set()),
    ("이메일 발급 안내까지 마쳤어요", {3, 4, 5}, set()),
    ("필요한 정보는 받아 둔 상태", {4}, set()),
    ("최근 4개월 기간 받았어요", set(), {"period"}),  # a number is no step mark
]


@pytest.mark.parametrize(("note", "done", "settled"), NOTES)
def test_read_note(
    daeri: tuple[Procedure, dict[str, Chunk]], note: str, done: set[int], settled: set[str]
) -> None:
    proc, _ = daeri
    reading = read_note(note, proc)
    assert set(reading.done) == done
    assert settled <= set(reading.settled)
    if not done and not settled:
        assert not reading.settled


# (question, facts, the chosen situation's step, the step answered with or None: stay)
MOVES: list[tuple[str, CaseFacts, int, str | None]] = [
    (
        "본인 인증 마쳤고 필요 정보 확인도 완료했습니다. 다음 멘트?",
        VERIFIED,
        4,
        "⑤ 이메일 발급 안내",
    ),
    (
        "제출처 세무서, 대리앱, 취소건 빼고, 2025.02.01~2025.04.30 다 받음",
        VERIFIED,
        4,
        "⑤ 이메일 발급 안내",
    ),
    ("사유·앱·취소 여부·기간 확인 끝, 이제 뭐라고 해요", VERIFIED, 4, "⑤ 이메일 발급 안내"),
    ("필요 정보 아직 못 받았어요", VERIFIED, 4, None),
    ("호출 앱만 받았어요", VERIFIED, 4, None),
    # Identity comes from the console only: a note cannot skip the 본인확인 step.
    ("본인확인 완료, 필요 정보도 다 받았어요", STATEMENT, 3, None),
    # Never back: the agent asked about a later step than the note's.
    ("필요 정보 다 받았어요", VERIFIED, 5, None),
    ("④단계까지 끝, 다음", VERIFIED, 4, "⑤ 이메일 발급 안내"),
]


@pytest.mark.parametrize(("question", "facts", "at", "expected"), MOVES)
def test_locate_moves_forward_only(
    daeri: tuple[Procedure, dict[str, Chunk]],
    question: str,
    facts: CaseFacts,
    at: int,
    expected: str | None,
) -> None:
    proc, chunks = daeri
    found = locate(question, proc, _script(proc, at, chunks), chunks, facts)
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.step.label == expected
        assert found.guidance is None and found.chunk.kind == "script"
        assert "닉네임" in found.chunk.script


HANDOFF_QUESTIONS = [
    "내역서 접수 글은 어떤 양식으로 올려요?",
    "아지트에 올리는 거 맞죠? 제목은?",
    "고객 성함이랑 생년월일은 어디에 적어야 하나요",
    "KMCC 광주 쪽은 어떻게 올려요",
    "이메일 발송 안내까지 끝났어요, 아지트 작성 방법",
    "④ 까지 했고 나머지 다 했어요. 이관 글 제목은?",
]


@pytest.mark.parametrize("question", HANDOFF_QUESTIONS)
def test_handoff_question_gets_the_note_as_agent_guidance(
    daeri: tuple[Procedure, dict[str, Chunk]], question: str
) -> None:
    proc, chunks = daeri
    facts = VERIFIED.model_copy(update={"collection_consent": True})
    found = locate(question, proc, _script(proc, 5, chunks), chunks, facts)
    assert found is not None and found.step.label == "⑥ 아지트 작성"
    assert found.guidance is not None
    assert "고객 발송용 아님" in found.guidance
    assert "이용내역서(긴급 복지 지원) 발급 요청" in found.guidance
    assert "엑셀" in found.guidance  # the customer's data goes in the attachment
    assert check(found.guidance, facts).allowed


def test_all_steps_done_reaches_the_handoff(daeri: tuple[Procedure, dict[str, Chunk]]) -> None:
    proc, chunks = daeri
    facts = VERIFIED.model_copy(update={"alt_recipient": False})
    question = "필요 정보 다 받았고 수신 이메일 주소도 확인됨. 다음은?"
    found = locate(question, proc, _script(proc, 4, chunks), chunks, facts)
    assert found is not None and found.step.handoff == "agit_ticket"
    assert found.guidance is not None


def test_other_playbook_procedure(bike: tuple[Procedure, dict[str, Chunk]]) -> None:
    """Nothing is specific to the 대리 playbook: another service's steps and form."""
    proc, chunks = bike
    facts = CaseFacts(identity_verified=True, request=proc.requests[0] if proc.requests else None)
    step2 = _script(proc, 2, chunks)
    moved = locate("환불 필요 정보 다 받았어요", proc, step2, chunks, facts)
    assert moved is not None and moved.step.label == "③ 아지트 작성"
    assert moved.guidance is not None and "바이크 보증금 환불 요청" in moved.guidance
    asked = locate("KOC 양식 이름이 뭐예요?", proc, step2, chunks, facts)
    assert asked is not None and asked.guidance is not None
    assert locate("환불 사유만 받았어요", proc, step2, chunks, facts) is None


def test_note_vocabulary_checks_its_examples() -> None:
    notes = load_vocabulary().notes
    assert notes is not None
    raw = notes.model_dump()
    raw["examples"]["done"] = ["필요 정보 물어봤어요"]  # no completion word
    with pytest.raises(ValueError, match="not read as done"):
        NoteVocabulary.model_validate(raw)
    raw = notes.model_dump()
    raw["handoff_examples"] = ["다음 안내 멘트"]
    with pytest.raises(ValueError, match="hand-off question"):
        NoteVocabulary.model_validate(raw)
    assert ConfigError  # the loader wraps such errors as ConfigError (see test_procedures)


@pytest.mark.parametrize(
    ("facts", "pending"),
    [
        (STATEMENT, "③ 본인확인"),  # identity comes from the console only
        (VERIFIED, None),
        (VERIFIED.model_copy(update={"withdrawn": True}), "⑤ 이메일 발급 안내"),  # its consent
        (VERIFIED.model_copy(update={"withdrawn": True, "collection_consent": True}), None),
    ],
)
def test_handoff_guidance_names_the_steps_the_console_has_not_shown_done(
    daeri: tuple[Procedure, dict[str, Chunk]], facts: CaseFacts, pending: str | None
) -> None:
    proc, chunks = daeri
    found = locate("아지트 양식 알려주세요", proc, _script(proc, 4, chunks), chunks, facts)
    assert found is not None and found.guidance is not None
    last = found.guidance.splitlines()[-1]
    if pending is None:
        assert "확인되지 않은 단계" not in found.guidance
    else:
        assert "확인되지 않은 단계" in last and pending in last
