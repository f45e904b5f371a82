"""Structure-aware chunking of playbooks for other services written in the same style (markdown
levels, full-width numbers, CRLF, channel tables) and of arbitrary text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_chunker import one

from ingest.chunk import Chunk
from ingest.chunker import chunk_document

# --- another service, same style --------------------------------------------------------------

TAXI = """# 택시 기사 정보 요청

* **목차**

1. 택시 기사님 연락처 알려주세요.

**[정책 및 참고사항]**

```
① 하차 2일 이내: 이용기록에서 연락 / 확인 불가 시 연락처 제공
```

──────────────────

**Q1. 택시 기사님 연락처 알려주세요.**
------------------------

**상담유형: 택시\\_승객 **▶** 기사정보****
     ㄴ 사유 확인 필수

어떤 이유로 연락이 필요하신지 여쭤봐도 될까요?

**[기사 전화번호 요구][상태값: 운행완료]**

**1. 하차 ２일 이내**

택시 이용기록에서 [기사님께 전화]를 눌러 연락하실 수 있어요.

**2. 하차 2일 이내 (휴대폰 분실로 이용기록 확인 불가)**␠␠
기사님 번호는 000-0000-0000입니다.␠␠

**3. 하차 2일 이후**

**① 분실물이 있는 경우**

분실물 센터로 접수해 드리겠습니다.␠␠
ㄴ 접수 후 아지트 기록

**② 기타 상황**

기사님 동의 없이 연락처를 알려드리기 어렵습니다.
[안내 링크](https://example.invalid/help)

──────────────────

**[지속 요구 시]**

불편을 드려 죄송합니다. 개인정보는 제3자에게 제공하지 않습니다.

|  |  |
| --- | --- |
| **[탈퇴 회원] 개인정보 수집동의** | |
| **채팅** | 채팅 동의 문구입니다.  성함 확인 부탁드립니다. |
| **전화** | 전화 동의 문구입니다. |
| 확인 감사합니다. 곧 처리해 드리겠습니다. | |
""".replace("␠", " ")  # the export's trailing double spaces (kept out of the source file)


@pytest.fixture(scope="module")
def taxi() -> list[Chunk]:
    return chunk_document("taxi.txt", TAXI)


def test_taxi_sections_and_conditions(taxi: list[Chunk]) -> None:
    sections = [c.section for c in taxi]
    base = "Q1. 택시 기사님 연락처 알려주세요. > [기사 전화번호 요구][상태값: 운행완료]"
    assert f"{base} > 1. 하차 ２일 이내" in sections
    first = one(taxi, "1. 하차")
    assert first.conditions.days_max == 2 and first.conditions.requests == ["driver_phone"]
    assert first.conditions.ride_statuses == ["completed"]
    second = one(taxi, "2. 하차 2일 이내")
    assert second.conditions.history_available is False
    assert second.script == "기사님 번호는 000-0000-0000입니다."
    lost = one(taxi, "3. 하차 2일 이후", "① 분실물")
    assert lost.conditions.days_min == 3 and lost.conditions.reasons == ["lost_item"]
    assert lost.script == "분실물 센터로 접수해 드리겠습니다."
    other = one(taxi, "3. 하차 2일 이후", "② 기타 상황")
    assert other.conditions.fallback and other.conditions.reasons_excluded == ["lost_item"]
    assert other.script == "기사님 동의 없이 연락처를 알려드리기 어렵습니다."


def test_taxi_blocks_after_a_separator_and_table_rows(taxi: list[Chunk]) -> None:
    insist = one(taxi, "[지속 요구 시]")
    assert insist.section == "Q1. 택시 기사님 연락처 알려주세요. > [지속 요구 시]"
    assert insist.conditions.persistent
    rows = [c for c in taxi if c.conditions.withdrawn]
    assert [c.conditions.channel for c in rows] == ["chat", "phone", None]
    assert rows[0].script == "채팅 동의 문구입니다.\n성함 확인 부탁드립니다."
    assert rows[2].conditions.collection_consent is True
    assert all(c.conditions.requests == ["driver_phone"] for c in rows)  # from Q1


def test_taxi_kinds(taxi: list[Chunk]) -> None:
    kinds = {c.section: c.kind for c in taxi}
    assert kinds["목차"] == "title"
    assert kinds["[정책 및 참고사항]"] == "policy"
    assert kinds["Q1. 택시 기사님 연락처 알려주세요. > 상담유형"] == "note"
    assert kinds["Q1. 택시 기사님 연락처 알려주세요."] == "script"


# --- any text at all ----------------------------------------------------------------------------

FRAGMENTS = [
    "**",
    "****",
    "**Q1. 질문**",
    "**A1.**",
    "-----",
    "───",
    "**1. 탑승 3일 이내**",
    "**① 분실물",
    "  (14일 경과)**",
    "**[case 1] 기본안내**",
    "**[상태값: 운행완료X]**",
    "| **채팅** | 문구  둘째 |",
    "| --- | --- |",
    "|",
    "```",
    "#",
    "#### ",
    "# 제목",
    "* 목차",
    "ㄴ 메모",
    "※ 주의",
    "상담유형: x",
    "2. 응대순서 : y",
    "고객님 안내드립니다.",
    "１２일 이내",
    "**２．다음**",
    "<br>",
    "\u00a0",
    "",
    "[링크](https://x.invalid)",
]


def check_valid(text: str, chunks: list[Chunk]) -> None:
    assert [c.index for c in chunks] == list(range(len(chunks)))
    end = 0
    for c in chunks:
        assert end <= c.start <= c.end <= len(text)
        end = c.end
        assert c.kind in {"title", "policy", "script", "note"}
        assert (c.kind == "script") == bool(c.script)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_unicode_gives_valid_chunks(text: str) -> None:
    check_valid(text, chunk_document("x.txt", text))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=40),
    st.sampled_from(["\n", "\r\n", "  \n", "\u2028"]),
)
def test_playbook_like_text_gives_valid_chunks(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    check_valid(text, chunk_document("x.txt", text))


#: The same style exported with markdown levels, full-width numbering, CRLF line ends,
#: NBSP-padded brackets and <br> inside cells.
BIKE = (
    "# 바이크 이용 기록 요청\r\n"
    "\r\n"
    "## Q1. 바이크 이용내역서 발급\r\n"
    "=====\r\n"
    "\r\n"
    "**２．\u00a0상담유형 : 바이크\\_고객**\r\n"
    "\r\n"
    "### [case 1] 기본안내\r\n"
    "\r\n"
    "앱에서 이용 기록을 확인하실 수 있어요.\r\n"
    "\r\n"
    "### [case 2] 재차 요청\r\n"
    "\r\n"
    "**① 본인확인**\r\n"
    "\r\n"
    "가입자 본인이십니까?\r\n"
    "\r\n"
    "**② 발송 안내**\r\n"
    "\r\n"
    "| **[탈퇴고객]\u00a0\u00a0수집 동의** | |\r\n"
    "| --- | --- |\r\n"
    "| 채팅 상담 | 동의하시면<br>성함을 알려주세요. |\r\n"
    "| 전화 상담 | 동의하시면 성함을 말씀해 주세요. |\r\n"
)


def test_markdown_levels_full_width_numbers_and_crlf() -> None:
    chunks = chunk_document("bike.txt", BIKE)
    by_section = {c.section: c for c in chunks}
    note = by_section["Q1. 바이크 이용내역서 발급 > ２． 상담유형"]
    assert note.kind == "note" and note.script == ""
    basic = by_section["Q1. 바이크 이용내역서 발급 > [case 1] 기본안내"]
    assert basic.conditions.fallback and basic.conditions.requests == ["usage_statement"]
    check = by_section["Q1. 바이크 이용내역서 발급 > [case 2] 재차 요청 > ① 본인확인"]
    assert check.conditions.identity_verified is False
    rows = [c for c in chunks if c.conditions.channel]
    assert [c.conditions.channel for c in rows] == ["chat", "phone"]
    assert rows[0].script == "동의하시면\n성함을 알려주세요."
    assert all(c.conditions.withdrawn and c.conditions.identity_verified for c in rows)
    assert all(c.conditions.collection_consent is False for c in rows)
    for c in chunks:
        assert "\r" not in c.text and "\r" not in c.script
        assert BIKE[c.start : c.end].strip() == BIKE[c.start : c.end]


def test_a_channel_table_with_a_header_row() -> None:
    text = (
        "**Q1. 안내 문의**\n\n| 채널 | 문구 |\n| --- | --- |\n"
        "| 채팅 | 채팅으로 안내드립니다. |\n| 전화 | 전화로 안내드립니다. |\n"
    )
    chunks = chunk_document("t.txt", text)
    scripts = [c for c in chunks if c.kind == "script"]
    assert [(c.conditions.channel, c.script) for c in scripts] == [
        ("chat", "채팅으로 안내드립니다."),
        ("phone", "전화로 안내드립니다."),
    ]
    assert [c.section for c in scripts] == ["Q1. 안내 문의 > 채팅", "Q1. 안내 문의 > 전화"]
