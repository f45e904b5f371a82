"""Each Q's 상담유형 is kept at ingest as structured data: the block's text and its options,
found by the labels of ``counsel_type`` in ingest/vocabulary.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunk import Chunk
from ingest.chunker import chunk_document
from ingest.counsel import CounselType, counsel_label, read_counsel_type

REPO = Path(__file__).resolve().parents[1]


def _counsel(source: Path) -> list[Chunk]:
    return [c for c in chunk_document(source.name, source.read_text()) if c.counsel_type]


def test_pet_playbook_keeps_both_options_per_q() -> None:
    chunks = _counsel(REPO / "kb" / "004_2b128af64891507b.txt")
    assert [c.section.split(" > ")[0][:3] for c in chunks] == ["Q1.", "Q2."]
    for chunk in chunks:
        ct = chunk.counsel_type
        assert ct is not None and chunk.kind == "note"
        assert ct.label == "상담유형"
        assert ct.decided_by == ["reason"]
        main, branch = ct.options
        assert main.text == "펫_승객 ▶ 요청사유에 따라 상담유형 설정 ▶ 펫" and main.unknown == []
        assert branch.when == "사유 파악불가 시" and branch.unknown == ["reason"]
        assert branch.text == "사유 파악불가 시 : 서비스가입/설치/내정보 ▶ 이용기록/영수증"
        assert ct.text == f"{main.text}\nㄴ {branch.text}"


def test_daeri_playbook_has_one_path_from_a_numbered_label() -> None:
    (chunk,) = _counsel(REPO / "kb" / "000_4a33bc4c81567f35.txt")
    assert chunk.section.endswith("1. 상담유형")
    assert chunk.counsel_type is not None
    assert [o.text for o in chunk.counsel_type.options] == [
        "대리_고객 ▶ 가입/내정보 ▶ 이용기록/영수증 ▶ 기타"
    ]


def test_synthetic_playbook_keeps_a_type_per_q() -> None:
    chunks = _counsel(REPO / "tests" / "data" / "playbooks" / "101_taxi_lost_item.txt")
    texts = [c.counsel_type.text for c in chunks if c.counsel_type]
    assert texts == ["택시_승객 ▶ 분실물 ▶ 분실물 접수", "택시_승객 ▶ 분실물 ▶ 분실물 전달"]


def test_other_notes_carry_no_counsel_type() -> None:
    chunks = chunk_document("000.txt", (REPO / "kb" / "000_4a33bc4c81567f35.txt").read_text())
    sections = [c.section for c in chunks if c.counsel_type is None and c.kind == "note"]
    assert any(s.endswith("응대순서") for s in sections)


def test_a_new_playbook_with_its_own_branch_words() -> None:
    text = (
        "# 바이크 고장 신고\n\n**Q1. 바이크가 고장났어요.**\n\n"
        "**상담 유형 : 바이크_고객 ▶ 사유별 설정 ▶ 고장**\n"
        "- 사유 확인이 안 되는 경우: 바이크_고객 ▶ 기타\n\n"
        "불편을 드려 죄송합니다.\n"
    )
    (chunk,) = [c for c in chunk_document("900_bike.txt", text) if c.counsel_type]
    ct = chunk.counsel_type
    assert ct is not None and ct.decided_by == ["reason"]
    assert [o.when for o in ct.options] == ["", "사유 확인이 안 되는 경우"]
    # The reason unknown: both, as the playbook states them; known: the main path only.
    assert len(ct.options_for(set(), set())) == 2
    assert [o.text for o in ct.options_for({"reason"}, set())] == [
        "바이크_고객 ▶ 사유별 설정 ▶ 고장"
    ]
    assert [o.when for o in ct.options_for(set(), {"reason"})] == ["사유 확인이 안 되는 경우"]


@pytest.mark.parametrize(
    ("heading", "label"),
    [
        ("1. 상담유형", "상담유형"),
        ("상담 유형", "상담 유형"),
        ("[문의유형]", "문의유형"),
        ("응대순서", None),
    ],
)
def test_label_words_come_from_the_vocabulary(heading: str, label: str | None) -> None:
    assert counsel_label(heading) == label


def test_stored_metadata_round_trips() -> None:
    (chunk,) = _counsel(REPO / "kb" / "000_4a33bc4c81567f35.txt")
    back = Chunk.from_metadata(chunk.text, chunk.to_metadata())
    assert back.counsel_type == chunk.counsel_type
    old = {**chunk.to_metadata()}
    del old["counsel_type"]  # a generation written before counsel types were kept
    assert Chunk.from_metadata(chunk.text, old).counsel_type is None


def test_empty_block_is_no_counsel_type() -> None:
    assert read_counsel_type("상담유형", "  \n") is None
    assert isinstance(read_counsel_type("상담유형", "택시_고객 ▶ 기타"), CounselType)


def test_kb_check_shows_each_q_counsel_type() -> None:
    from ingest.playbook_check import check_playbook

    path = REPO / "kb" / "004_2b128af64891507b.txt"
    report = check_playbook(path.name, path.read_text())
    assert [c.section.split(" > ")[0][:3] for c in report.counsel_types] == ["Q1.", "Q2."]
    assert report.counsel_types[0].counsel_type.options[1].when == "사유 파악불가 시"


def test_a_playbook_without_a_counsel_type_gets_none_invented() -> None:
    from rag.catalog import Catalog
    from rag.counsel import NO_TYPE_REPLY, answer_counsel
    from rag.facts import read_question
    from rag.grounding import Evidence

    text = "# 퀵 배송 지연\n\n**Q1. 배송이 늦어요.**\n\n불편을 드려 죄송합니다.\n"
    book = Catalog.build("g", chunk_document("901_quick.txt", text)).playbooks["901_quick.txt"]
    evidence = Evidence(False, True, False, 0.0, 0.0, 0)
    read = read_question("퀵 배송 지연 건 상담유형?")
    answer = answer_counsel(book, None, [], read.facts, read, evidence)
    assert (answer.reply, answer.chunk) == (NO_TYPE_REPLY, None)
