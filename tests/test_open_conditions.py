"""Open conditions: what heading segments no vocabulary entry reads are kept as (content words,
polarity), how a question's words are read against them, and what ``kb check`` says of
situations only they tell apart. No store: the pipeline over a real store is in
``tests/test_open_onboarding.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from ingest.chunk import ChunkConditions, OpenCondition
from ingest.chunker import chunk_document
from ingest.open_conditions import (
    load_open_vocabulary,
    parse_open_vocabulary,
    read_open_conditions,
)
from ingest.playbook_check import check_playbook
from rag.open_conditions import QuestionWords, judge, open_asks, rescore

PLAYBOOKS = Path(__file__).resolve().parent / "data" / "playbooks"
PARKING = "103_parking_exit_refund.txt"
KB = Path(__file__).resolve().parents[1] / "kb"

EXAMPLES = load_open_vocabulary().examples


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.heading for e in EXAMPLES])
def test_the_data_file_examples_are_read_as_written(example) -> None:  # type: ignore[no-untyped-def]
    got = [(c.words, c.polarity) for c in read_open_conditions(example.heading)]
    assert got == [(c.words, c.polarity) for c in example.open]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("2. 7일 이내 / 영수증 없음", [(["영수증"], "negative")]),
        ("[서류 미제출]", [(["서류", "제출"], "negative")]),
        ("1. 환불 가능", []),  # a known request and a polarity word: nothing open
        ("(사진 O)", [(["사진"], "positive")]),
        ("[보험 처리 불가능]", [(["보험"], "negative")]),  # 불가능 is not 가능
        ("3. 부분 환불 요청", [(["부분"], "mention")]),
        ("[case 3] 취소 수수료 - 면제 안내", [(["면제"], "mention")]),
        ("[탈퇴고객] 개인정보수집동의(성함,생년월일,휴대폰,이메일)", []),
        ("1. 탑승 7일 이내 / 이용기록 확인 안내", []),
        ("[차량번호 요구] [상태값: 운행완료]", []),
    ],
)
def test_segments_read_as_open_conditions(heading: str, expected: list[tuple]) -> None:  # type: ignore[type-arg]
    assert [(c.words, c.polarity) for c in read_open_conditions(heading)] == expected


def test_triggers_listed_three_ways_are_alternatives() -> None:
    found = read_open_conditions("[case 2] 세금계산서, 간이영수증 / 법인카드 / 현금 결제")
    assert [c.words for c in found] == [
        ["세금계산서"],
        ["간이영수증"],
        ["법인카드"],
        ["현금", "결제"],
    ]
    assert all(c.alternative for c in found)
    # words the vocabulary knows (submission to an agency, a repeated request, past one year)
    # are conditions already, not open ones
    assert not read_open_conditions("[case 2] 법원,경찰서 제출 / 재차 요청 / 1년 경과건")


def test_a_mistake_in_the_data_file_names_the_entry() -> None:
    raw = (Path(__file__).resolve().parents[1] / "ingest" / "open_conditions.yaml").read_text(
        encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="synonyms"):
        parse_open_vocabulary(raw.replace("[부분, 일부]", "[부분]"), "open_conditions.yaml")
    with pytest.raises(ConfigError, match="ask"):
        parse_open_vocabulary(raw.replace("{words}", "{word}"), "open_conditions.yaml")


def _parking_sections() -> dict[str, ChunkConditions]:
    text = (PLAYBOOKS / PARKING).read_text(encoding="utf-8")
    chunks = chunk_document(PARKING, text)
    return {c.section.split(" > ")[-1]: c.conditions for c in chunks if c.kind == "script"}


def test_a_child_polarity_refines_the_parents_mention() -> None:
    sections = _parking_sections()
    have = sections["1. 출차 후 7일 이내 / 영수증 있음"]
    after = sections["3. 출차 후 7일 이후"]
    assert [(c.words, c.polarity) for c in have.open] == [(["영수증"], "positive")]
    assert [(c.words, c.polarity) for c in after.open] == [(["영수증"], "mention")]
    assert have.days_max == 7 and after.days_min == 8  # the known conditions are still read


def test_open_conditions_survive_the_chroma_metadata() -> None:
    from ingest.chunk import Chunk

    text = (PLAYBOOKS / PARKING).read_text(encoding="utf-8")
    chunk = next(c for c in chunk_document(PARKING, text) if c.conditions.open)
    again = Chunk.from_metadata(chunk.text, chunk.to_metadata())
    assert again.conditions.open == chunk.conditions.open


H = {
    "있음": "영수증 있음",
    "없음": "영수증 없음",
    "확인됨": "사진 확인됨",
    "미확인": "사진 미확인",
    "대기": "(현장 대기 중)",
    "이탈": "(현장 이탈)",
    "기록있음": "고장 신고 기록 있음",
    "기록없음": "고장 신고 기록 없음",
}
CONDITIONS = {k: read_open_conditions(v)[-1] for k, v in H.items()}


@pytest.mark.parametrize(
    ("question", "matches", "contradicts"),
    [
        ("주차 영수증은 없대요", {"없음"}, {"있음"}),
        ("영수증 있는데 환불 안 된대요", {"있음"}, {"없음"}),
        ("영수증 no", {"없음"}, {"있음"}),
        ("no receipt, 환불 원함", {"없음"}, {"있음"}),
        ("영수증 잃어버렸대요", {"없음"}, {"있음"}),
        ("사진은 확인됐어요", {"확인됨"}, {"미확인"}),
        ("사진 확인 안 됨", {"미확인"}, {"확인됨"}),
        ("사진 X", {"미확인"}, {"확인됨"}),
        ("사진은 없대요", {"미확인"}, {"확인됨"}),
        ("photo 있음", {"확인됨"}, {"미확인"}),
        ("아직 현장에서 기다리는 중", {"대기"}, set()),
        ("현장에서 기다리는 중 아님", set(), {"대기"}),
        ("고장 신고 기록 안 남아 있음", {"기록없음"}, {"기록있음"}),
        ("고장신고 이력 있대요", {"기록있음"}, {"기록없음"}),
        ("영수증 안내해 주세요", set(), set()),  # 안내 is no 안 of negation
        ("영수증 관련 문의", set(), set()),  # says nothing of having one: neither sibling
        ("영수증 가지고 계시대요", {"있음"}, {"없음"}),
        ("영수증 안 가지고 있음", {"없음"}, {"있음"}),
        ("이미 출차했대요", set(), set()),  # 이미 is no 미- prefix
    ],
)
def test_question_words_against_open_conditions(
    question: str, matches: set[str], contradicts: set[str]
) -> None:
    words = QuestionWords(question)
    verdicts = {k: judge(c, words).verdict for k, c in CONDITIONS.items()}
    assert {k for k, v in verdicts.items() if v == "match" and k in ("있음", "없음")} == (
        matches & {"있음", "없음"}
    )
    assert {k for k, v in verdicts.items() if v == "match"} >= matches
    assert {k for k, v in verdicts.items() if v == "contradiction"} == contradicts


def _conditions(*open_: OpenCondition) -> ChunkConditions:
    return ChunkConditions(requests=["fare_refund"], open=list(open_))


def test_tied_siblings_are_rescored_and_a_contradicted_one_is_ruled_out() -> None:
    have, none = _conditions(CONDITIONS["있음"]), _conditions(CONDITIONS["없음"])
    other = ChunkConditions(requests=["fare_refund"], days_min=8)
    candidates = [(have, 2.0, 2.6), (none, 2.0, 2.3), (other, 0.5, 0.9)]
    assert rescore(candidates, QuestionWords("영수증은 없대요")) == [None, 4.3, 0.9]
    assert rescore(candidates, QuestionWords("환불해 주세요")) == [2.6, 2.3, 0.9]
    # Every tied one contradicted: the known conditions decide, as before.
    both = [(have, 2.0, 2.6), (_conditions(CONDITIONS["대기"]), 2.0, 2.3)]
    assert rescore(both, QuestionWords("영수증 없고 현장에서 기다리는 중 아님")) == [2.6, 2.3]


def test_unsettled_siblings_are_asked_about_in_the_headings_words() -> None:
    have, none = _conditions(CONDITIONS["있음"]), _conditions(CONDITIONS["없음"])
    chosen = ("A1. > [case 1] > 1. 영수증 있음", have)
    sibling = ("A1. > [case 1] > 2. 영수증 없음", none)
    elsewhere = ("A2. > [case 3] > 1. 영수증 없음", none)
    assert open_asks(chosen, [sibling], QuestionWords("환불해 주세요")) == [
        "'영수증' 여부를 확인하세요"
    ]
    assert open_asks(chosen, [sibling], QuestionWords("영수증 있어요")) == []
    assert open_asks(chosen, [elsewhere], QuestionWords("환불해 주세요")) == []


def test_kb_check_reports_siblings_told_apart_only_by_open_conditions() -> None:
    text = (PLAYBOOKS / PARKING).read_text(encoding="utf-8")
    report = check_playbook(PARKING, text)
    assert report.errors == []
    warned = [p.message for p in report.warnings if p.code == "open_condition"]
    assert len(warned) == len(report.open_told_apart) == 3
    assert any("영수증 있음 (positive) vs 영수증 없음 (negative)" in m for m in warned)
    assert any("현장 대기 중 (mention) vs 현장 이탈 (mention)" in m for m in warned)
    # Without the words that tell them apart, the same siblings are indistinguishable again.
    bare = text.replace(" / 영수증 있음", "").replace(" / 영수증 없음", "")
    again = check_playbook(PARKING, bare)
    assert [p.code for p in again.errors] == ["indistinguishable"]


def test_the_seed_knowledge_base_keeps_no_errors() -> None:
    for path in sorted(KB.glob("*.txt")):
        assert check_playbook(path.name, path.read_text(encoding="utf-8")).errors == []


@pytest.mark.parametrize(
    ("heading", "polarity"),
    [
        ("[미터기 고장]", "mention"),  # a word of its own, not 미- + 터기
        ("[미국 카드 결제]", "mention"),
        ("[서류 미제출]", "negative"),
        ("[미수령 건]", "negative"),
    ],
)
def test_a_negative_prefix_is_read_only_where_kiwi_splits_it_off(
    heading: str, polarity: str
) -> None:
    assert [c.polarity for c in read_open_conditions(heading)] == [polarity]
