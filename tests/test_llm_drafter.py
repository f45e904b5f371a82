"""LLMDrafter against a real HTTP endpoint speaking the OpenAI protocol (tests/fake_openai.py)."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import pytest
from fake_openai import FakeOpenAI, Reply, fake_openai  # noqa: F401  (fixture)

from core.errors import LLMError
from core.settings import Settings
from ingest.chunk import Chunk
from policy_guard.facts import CaseFacts
from policy_guard.verdict import Violation
from rag.contract import Hit
from rag.drafting.base import DraftContext
from rag.drafting.llm import LLMDrafter, clean_reply

MakeSettings = Callable[..., Settings]

PHONE = "010-8765-4321"
PLATE = "12가3456"
NAME = "김민준"

SCRIPT = (
    "앱 이용기록이 확인되지 않아 기사님 연락처를 안내해 드릴게요. "
    "기사님 연락처는 000-0000-0000입니다."
)


def _chunk(index: int, section: str, script: str, kind: str = "script") -> Chunk:
    return Chunk(
        source="004_2b128af64891507b.txt",
        section=section,
        index=index,
        start=index * 100,
        end=index * 100 + 90,
        kind=kind,  # type: ignore[arg-type]
        text=f"{section}\n{script}",
        script=script,
    )


def _context(composed: str, **facts: object) -> DraftContext:
    case = CaseFacts(
        service="pet",
        request="driver_phone",
        ride_status="completed",
        days_since_ride=1,
        history_available=False,
        driver_phone=PHONE,
        vehicle_plate=PLATE,
        driver_name=NAME,
        **facts,  # type: ignore[arg-type]
    )
    chosen = Hit(chunk=_chunk(3, "Q1 > 3일 이내 > 이용기록 확인 불가", SCRIPT), score=0.9)
    other = Hit(
        chunk=_chunk(5, "Q1 > 3일 이후", "3일 이후에는 안심연결로 도와드리겠습니다."), score=0.5
    )
    return DraftContext(
        question=f"어제 펫 탔는데 이용기록이 안 보인대요, 기사 번호 {PHONE} 맞는지 확인 요청",
        facts=case,
        chosen=chosen,
        hits=[chosen, other],
        composed=composed,
        ask=["요청 사유"],
    )


ALLOWED = _context(f"기사님 연락처는 {PHONE}입니다. 이용에 불편을 드려 죄송합니다.")
REFUSED = _context("기사님 연락처는 개인정보로 안내가 어려운 점 양해 부탁드립니다.")


@pytest.fixture
def drafter_for(make_settings: MakeSettings) -> Callable[..., LLMDrafter]:
    def _make(base_url: str, **overrides: object) -> LLMDrafter:
        values: dict[str, object] = {
            "llm_provider": "openai",
            "llm_base_url": base_url,
            "llm_model": "test-model",
            "llm_timeout_s": 1.0,
        }
        values.update(overrides)
        return LLMDrafter(make_settings(**values))

    return _make


def _user_text(request: dict[str, object]) -> str:
    messages = request["messages"]
    assert isinstance(messages, list)
    return str(messages[-1]["content"])


def test_draft_returns_the_reply_with_allowed_values_filled(
    fake_openai: FakeOpenAI,  # noqa: F811
    drafter_for: Callable[..., LLMDrafter],
) -> None:
    fake_openai.script(Reply("고객님, 기사님 연락처는 [[DRIVER_PHONE]]입니다. 감사합니다."))
    draft = drafter_for(fake_openai.base_url).draft(ALLOWED)
    assert draft == f"고객님, 기사님 연락처는 {PHONE}입니다. 감사합니다."

    assert fake_openai.paths == ["/v1/chat/completions"]
    request = fake_openai.requests[0]
    assert request["model"] == "test-model"
    roles = [m["role"] for m in request["messages"]]
    assert roles == ["system", "user"]
    user = _user_text(request)
    assert "기사님 연락처는 [[DRIVER_PHONE]]입니다." in user  # the approved reply, masked
    assert "3일 이후에는 안심연결로" in user  # retrieved context
    assert "운행완료" in user and "1일" in user  # resolved facts in Korean
    system = str(request["messages"][0]["content"])
    assert "[driver-phone]" in system  # the guard's rule table is stated


def test_personal_values_are_never_sent(
    fake_openai: FakeOpenAI,  # noqa: F811
    drafter_for: Callable[..., LLMDrafter],
) -> None:
    drafter_for(fake_openai.base_url).draft(ALLOWED)
    sent = json.dumps(fake_openai.requests[0], ensure_ascii=False)
    for value in (PHONE, PLATE, NAME):
        assert value not in sent


def test_a_value_the_approved_reply_did_not_carry_stays_a_placeholder(
    fake_openai: FakeOpenAI,  # noqa: F811
    drafter_for: Callable[..., LLMDrafter],
) -> None:
    fake_openai.script(Reply("기사님 번호는 [[DRIVER_PHONE]], 차량은 [[VEHICLE_PLATE]]입니다."))
    draft = drafter_for(fake_openai.base_url).draft(REFUSED)
    assert PHONE not in draft and PLATE not in draft
    assert "000-0000-0000" in draft and "00가0000" in draft  # visible to the guard


def test_first_draft_breaks_a_rule_then_the_revision_is_clean(
    fake_openai: FakeOpenAI,  # noqa: F811
    drafter_for: Callable[..., LLMDrafter],
) -> None:
    bad = f"기사님 성함은 {NAME}님이고 계좌는 국민 123-45-678 입니다."
    clean = "기사님 개인정보는 안내가 어려운 점 양해 부탁드립니다."
    fake_openai.script(Reply("기사님 성함은 [[DRIVER_NAME]]님입니다."), Reply(clean))
    drafter = drafter_for(fake_openai.base_url)
    first = drafter.draft(REFUSED)
    assert "OOO" in first  # the name token was not allowed here
    violation = Violation(
        rule="driver-name",
        span=(7, 10),
        text=NAME,
        clause="004 정책 ③",
        message="기사 이름은 어떤 경우에도 안내하지 않습니다",
    )
    assert bad  # the kind of draft the guard reports
    second = drafter.draft(REFUSED, [violation])
    assert second == clean
    revision = _user_text(fake_openai.requests[1])
    assert "[driver-name]" in revision
    assert "기사 이름은 어떤 경우에도 안내하지 않습니다" in revision
    assert NAME not in revision  # the span text is masked too
    assert "[driver-name]" not in _user_text(fake_openai.requests[0])


def test_timeout_raises_llm_error(
    fake_openai: FakeOpenAI,  # noqa: F811
    drafter_for: Callable[..., LLMDrafter],
) -> None:
    fake_openai.script(Reply(delay_s=30))
    with pytest.raises(LLMError):
        drafter_for(fake_openai.base_url, llm_timeout_s=0.5).draft(ALLOWED)


@pytest.mark.parametrize(
    "reply",
    [Reply(malformed=True), Reply(status=500), Reply(status=429), Reply(content="")],
    ids=["malformed-json", "http-500", "http-429", "empty"],
)
def test_unusable_answers_raise_llm_error(
    fake_openai: FakeOpenAI,  # noqa: F811
    drafter_for: Callable[..., LLMDrafter],
    reply: Reply,
) -> None:
    fake_openai.script(reply)
    with pytest.raises(LLMError):
        drafter_for(fake_openai.base_url).draft(ALLOWED)
    assert len(fake_openai.requests) == 1  # no silent retries


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_connection_refused_raises_llm_error(make_settings: MakeSettings, provider: str) -> None:
    base = f"http://127.0.0.1:{_closed_port()}" + ("/v1" if provider == "openai" else "")
    settings = make_settings(
        llm_provider=provider, llm_base_url=base, llm_model="m", llm_timeout_s=1.0
    )
    with pytest.raises(LLMError):
        LLMDrafter(settings).draft(ALLOWED)


def test_stream_fills_tokens_split_across_chunks(
    fake_openai: FakeOpenAI,  # noqa: F811
    drafter_for: Callable[..., LLMDrafter],
) -> None:
    fake_openai.script(Reply("연락처는 [[DRIVER_PHONE]]입니다.", chunk_chars=3))
    pieces = list(drafter_for(fake_openai.base_url).stream(ALLOWED))
    assert len(pieces) > 1
    assert "".join(pieces) == f"연락처는 {PHONE}입니다."
    assert all("[[" not in p for p in pieces)
    assert fake_openai.requests[0]["stream"] is True


def test_broken_stream_raises_llm_error(
    fake_openai: FakeOpenAI,  # noqa: F811
    drafter_for: Callable[..., LLMDrafter],
) -> None:
    fake_openai.script(Reply("내용", malformed=True))
    with pytest.raises(LLMError):
        list(drafter_for(fake_openai.base_url).stream(ALLOWED))


def test_clean_reply_strips_wrappers() -> None:
    assert clean_reply('```\n"안내드립니다."\n```') == "안내드립니다."
    assert clean_reply("  안녕하세요.\n") == "안녕하세요."
